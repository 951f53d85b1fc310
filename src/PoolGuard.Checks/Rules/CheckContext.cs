using PoolGuard.Checks.Sources;
using PoolGuard.Checks.Sources.Fleet;
using PoolGuard.Checks.Sources.Gateways;
using PoolGuard.Checks.Sources.Python;
using PoolGuard.Checks.Sources.Settings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// What every rule sees: the pools and gateways found, how many instances run each, and each server's budget
/// (a .poolguard-check.yml database whose host:port matches, else the one given on the command line or as the file's default).
/// </summary>
public sealed class CheckContext
{
    private readonly Dictionary<string, AppInstances> _fleet;
    private readonly HashSet<string> _gatewayAddresses = new(StringComparer.OrdinalIgnoreCase);

    public CheckContext(IReadOnlyList<ClientPool> pools, ConnectionBudget? budget, IReadOnlyList<GatewayLimit>? gateways = null,
        IReadOnlyDictionary<string, AppInstances>? fleet = null, IReadOnlyList<DatabaseSettings>? databases = null, IEnumerable<string>? gatewayAddresses = null)
    {
        Pools = pools;
        Budget = budget;
        Gateways = gateways ?? [];
        Databases = databases ?? [];
        _fleet = new Dictionary<string, AppInstances>(fleet ?? new Dictionary<string, AppInstances>(), StringComparer.OrdinalIgnoreCase);
        foreach (var gateway in Gateways)
        {
            _gatewayAddresses.Add($"{gateway.Gateway}:{gateway.ListenPort}");
        }
        _gatewayAddresses.UnionWith(gatewayAddresses ?? []);
    }

    public IReadOnlyList<ClientPool> Pools { get; }
    public IReadOnlyList<GatewayLimit> Gateways { get; }
    public IReadOnlyList<DatabaseSettings> Databases { get; }

    /// <summary>The budget for servers no .poolguard-check.yml database names.</summary>
    public ConnectionBudget? Budget { get; }

    public AppInstances InstancesOf(string application) => _fleet.GetValueOrDefault(application) ?? AppInstances.Single(application);

    public ConnectionBudget? BudgetFor(string server) =>
        Databases.FirstOrDefault(d => d.Server.Equals(server, StringComparison.OrdinalIgnoreCase))?.Budget ?? Budget;

    /// <summary>"db.internal:5432 (main)" when .poolguard-check.yml names the server.</summary>
    public string ServerName(string server) =>
        Databases.FirstOrDefault(d => d.Server.Equals(server, StringComparison.OrdinalIgnoreCase)) is { } named ? $"{server} ({named.Name})" : server;

    /// <summary>Whether the pool's server is a gateway: its connections are the gateway's clients, not the database's.</summary>
    public bool ThroughGateway(ClientPool pool) => _gatewayAddresses.Contains(pool.Server);

    /// <summary>Pools whose server is known and is PostgreSQL's own: what the database's budget is spent on.</summary>
    public bool OnDatabase(ClientPool pool) => !ThroughGateway(pool) && pool.Server != PythonSettingsFile.UnknownServer;

    /// <summary>Every PostgreSQL server something opens connections on.</summary>
    public IEnumerable<string> Servers() =>
        Pools.Where(OnDatabase).Select(p => p.Server).Concat(Gateways.Select(g => g.Server)).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The pools that open connections on <paramref name="server"/>, each counted once: override files
    /// (appsettings.Production.json over appsettings.json, a Spring profile over application.yml) declare one pool
    /// several times, and only one of them runs — taken at its largest, the one that decides whether it fits.
    /// </summary>
    public IEnumerable<ClientPool> CountedOn(string server) =>
        Pools.Where(p => OnDatabase(p) && p.Server.Equals(server, StringComparison.OrdinalIgnoreCase))
            .GroupBy(p => (p.Application, Name: p.Name.Replace("__", ":", StringComparison.Ordinal))) // ConnectionStrings__Main in the environment is ConnectionStrings:Main
            .Select(g => g.MaxBy(p => p.Pooling ? PerInstanceMax(p) ?? -1 : int.MaxValue)!);

    /// <summary>One instance's maximum: the file's, the driver's default, or .poolguard-check.yml's max_pool_size for a driver whose default is unknown.</summary>
    public int? PerInstanceMax(ClientPool pool) => pool.PerInstanceMax ?? (pool.Pooling ? InstancesOf(pool.Application).MaxPoolSize : null);
}
