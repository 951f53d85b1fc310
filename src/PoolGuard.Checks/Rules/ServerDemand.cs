using System.Globalization;
using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Sources;

namespace PoolGuard.Checks.Rules;

/// <summary>One contributor to a server's demand: an application's pool or a gateway, per instance × instances.</summary>
public sealed record DemandPart(string Who, int PerInstance, int Instances, Location Location, string Note, Location? InstancesAt, bool Autoscaled, bool Gateway = false)
{
    public int Total => PerInstance * Instances;

    public override string ToString() =>
        Instances == 1 && InstancesAt is null ? $"{Who} {PerInstance}{Note}" : $"{Who} {PerInstance}{Note} × {Instances}";
}

/// <summary>
/// Everything that can open connections on one PostgreSQL server, added up: each direct pool's per-instance maximum
/// times its replicas, each gateway's cap times its instances — at today's replicas, or at the autoscalers' ceilings.
/// Pools with no cap (pooling off) or of unknown size cannot be added and are counted apart.
/// </summary>
public sealed record ServerDemand(string Server, IReadOnlyList<DemandPart> Parts, int Unbounded, int Unknown)
{
    public int Total => Parts.Sum(p => p.Total);

    /// <summary>A sum longer than this names its largest terms and the rest as one: a monorepo has hundreds.</summary>
    public const int TermsSpelled = 8;

    /// <summary>"a 30 × 3 + b 20 + …": the terms largest first, beyond <see cref="TermsSpelled"/> the rest as "N more (M)".</summary>
    public static string Terms<T>(IReadOnlyList<T> terms, Func<T, int> total, Func<T, string> text)
    {
        var ordered = terms.OrderByDescending(total).ToList();
        var shown = string.Join(" + ", ordered.Take(TermsSpelled).Select(text));
        return ordered.Count <= TermsSpelled ? shown
            : string.Create(CultureInfo.InvariantCulture, $"{shown} + {ordered.Count - TermsSpelled} more ({ordered.Skip(TermsSpelled).Sum(total)})");
    }

    public string Spelled()
    {
        var text = Terms(Parts, p => p.Total, p => p.ToString());
        var apart = new List<string>();
        if (Unbounded > 0)
        {
            apart.Add(string.Create(CultureInfo.InvariantCulture, $"{Unbounded} with no limit at all"));
        }
        if (Unknown > 0)
        {
            apart.Add(string.Create(CultureInfo.InvariantCulture, $"{Unknown} pool(s) of unknown size"));
        }
        return apart.Count > 0 ? $"{text}, not counting {string.Join(" and ", apart)}" : text;
    }

    public static IEnumerable<ServerDemand> All(CheckContext context, bool atMaxReplicas) =>
        context.Servers().Select(server => For(context, server, atMaxReplicas));

    public static ServerDemand For(CheckContext context, string server, bool atMaxReplicas)
    {
        var parts = new List<DemandPart>();
        int unbounded = 0, unknown = 0;
        foreach (var pool in context.CountedOn(server))
        {
            if (!pool.Pooling)
            {
                unbounded++;
                continue;
            }
            if (context.PerInstanceMax(pool) is not { } max)
            {
                unknown++;
                continue;
            }
            var fleet = context.InstancesOf(pool.Application);
            var scaled = atMaxReplicas && fleet.MaxReplicas > fleet.Replicas;
            parts.Add(new DemandPart(pool.Application, max, scaled ? fleet.MaxReplicas!.Value : fleet.Replicas, pool.Location,
                pool.MaxPoolSize is null && pool.DefaultMaxPoolSize is not null ? " (default)" : "", scaled ? fleet.MaxReplicasAt : fleet.ReplicasAt, scaled));
        }
        foreach (var gateway in context.Gateways.Where(g => g.Server.Equals(server, StringComparison.OrdinalIgnoreCase)))
        {
            if (gateway.MaxServerConnections is not { } max)
            {
                unbounded++;
                continue;
            }
            var fleet = context.InstancesOf(gateway.Gateway);
            var scaled = atMaxReplicas && fleet.MaxReplicas > fleet.Replicas;
            var who = gateway.Gateway.Equals(gateway.Kind, StringComparison.OrdinalIgnoreCase) ? gateway.Gateway : $"{gateway.Gateway} ({gateway.Kind})";
            parts.Add(new DemandPart(who, max, scaled ? fleet.MaxReplicas!.Value : fleet.Replicas, gateway.Location, "",
                scaled ? fleet.MaxReplicasAt : fleet.ReplicasAt, scaled, Gateway: true));
        }
        return new ServerDemand(server, parts, unbounded, unknown);
    }
}
