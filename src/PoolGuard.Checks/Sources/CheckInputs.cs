using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Sources.Fleet;
using PoolGuard.Checks.Sources.Gateways;
using PoolGuard.Checks.Sources.Kubernetes;
using PoolGuard.Checks.Sources.Settings;

namespace PoolGuard.Checks.Sources;

/// <summary>Everything the readers found, before the rules run: pools, gateways, the fleet, and what could not be read.</summary>
internal sealed class CheckInputs
{
    public List<ClientPool> Pools { get; } = [];
    public List<GatewayLimit> Gateways { get; } = [];
    public List<Finding> Findings { get; } = [];
    public KubernetesObjects Kubernetes { get; } = new();
    public List<CheckSettings> Settings { get; } = [];

    public void Unreadable(Location location, string message) => Findings.Add(new Finding(RuleIds.Unreadable, Severity.Error, location, message));
}
