using System.Globalization;
using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;

namespace PoolGuard.Checks.Rules;

/// <summary>
/// PG006: how long a caller waits when every connection is taken. Forever (0) is an error: an exhausted pool then
/// hangs requests instead of failing them. Longer than a request can usefully wait (an application's pool over
/// 30 s, a gateway's queue over 60 s) is a warning: the queue grows while callers have given up. Not written is a
/// note, with the default that applies, so the review sees the number.
/// </summary>
public sealed class WaitTimeoutRule : ICheckRule
{
    /// <summary>An application pool's wait past which a caller has usually given up (HikariCP's default, 30 s).</summary>
    public const double ClientWaitLimitSeconds = 30;

    /// <summary>A gateway's queue wait past which its clients' own timeouts have long fired.</summary>
    public const double GatewayWaitLimitSeconds = 60;

    public string Id => RuleIds.WaitTimeout;
    public string Title => "connection wait timeout missing, infinite or too long";

    public IEnumerable<Finding> Check(CheckContext context)
    {
        foreach (var pool in context.Pools.Where(p => p.Pooling))
        {
            if (pool.WaitTimeout is { } wait)
            {
                if (Verdict(wait, ClientWaitLimitSeconds) is { } severity)
                {
                    yield return new Finding(Id, severity, pool.Location, $"{pool.Name}: {pool.WaitSetting}={S(wait * pool.WaitSettingScale)} {Describe(wait)}",
                        $"{pool.WaitSetting}={S(15 * pool.WaitSettingScale)}") { Subject = $"{pool.Application}/{pool.Name}", Fixes = Fix.Pool(pool, ("Timeout", "15")) };
                }
            }
            else if (pool.DefaultWaitTimeout is { } fallback)
            {
                yield return new Finding(Id, Severity.Note, pool.Location,
                    $"{pool.Name}: no {pool.WaitSetting}, so {pool.Driver}'s default of {S(fallback)} s applies to waits for a connection", $"write {pool.WaitSetting}={S(fallback * pool.WaitSettingScale)} so the review sees it")
                { Subject = $"{pool.Application}/{pool.Name}", Fixes = Fix.Pool(pool, ("Timeout", S(fallback))) };
            }
        }
        foreach (var gateway in context.Gateways.Where(g => g.WaitTimeout is not null).DistinctBy(g => (g.Gateway, g.WaitTimeoutAt)))
        {
            if (Verdict(gateway.WaitTimeout!.Value, GatewayWaitLimitSeconds) is { } severity)
            {
                yield return new Finding(Id, severity, gateway.WaitTimeoutAt ?? gateway.Location,
                    $"{gateway.Gateway}: query_wait_timeout = {S(gateway.WaitTimeout.Value)} s {Describe(gateway.WaitTimeout.Value)}",
                    "query_wait_timeout = 30 (and max_waiting_clients on PoolGuard): a full queue fails fast with a clear error")
                { Subject = gateway.Gateway, Fixes = Fix.GatewayWait(gateway, 30) };
            }
        }
    }

    private static Severity? Verdict(double seconds, double limit) => seconds <= 0 ? Severity.Error : seconds > limit ? Severity.Warning : null;

    private static string Describe(double seconds) => seconds <= 0
        ? "waits forever: when every connection is taken, requests hang instead of failing"
        : "is longer than a request usefully waits: under a surge the queue grows while callers have given up";

    private static string S(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
