using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Fleet;

/// <summary>
/// How many instances run one application's configuration (a Deployment's replicas, an HPA's maximum, or what
/// .poolguard-check.yml says), and where that was written. An application nobody declares runs once.
/// </summary>
public sealed record AppInstances(string Application, int Replicas, Location? ReplicasAt)
{
    /// <summary>The autoscaler's ceiling, when one scales the application; at least <see cref="Replicas"/>.</summary>
    public int? MaxReplicas { get; init; }
    public Location? MaxReplicasAt { get; init; }

    /// <summary>For a client library whose default the check cannot know: the pool size .poolguard-check.yml declares.</summary>
    public int? MaxPoolSize { get; init; }

    public static AppInstances Single(string application) => new(application, 1, null);
}
