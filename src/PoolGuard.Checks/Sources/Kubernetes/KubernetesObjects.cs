using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Kubernetes;

/// <summary>A value a container's environment gets: written on the workload, or taken from a ConfigMap key.</summary>
/// <param name="ConfigMap">The ConfigMap it comes from (configMapKeyRef, envFrom); null when written inline.</param>
/// <param name="Key">The ConfigMap key; null with envFrom (every key).</param>
internal sealed record EnvironmentValue(string Name, string? Value, Location Location, string? ConfigMap = null, string? Key = null);

/// <summary>A Deployment or StatefulSet: how many pods run, and what their containers' environments carry.</summary>
internal sealed record Workload(string Kind, string Name, int Replicas, Location ReplicasAt, IReadOnlyList<EnvironmentValue> Environment);

internal sealed record ConfigMapValue(string ConfigMap, string Key, string Value, Location Location);

/// <summary>A HorizontalPodAutoscaler: the workload it scales and its ceiling.</summary>
internal sealed record Autoscaler(string Name, string TargetKind, string TargetName, int MaxReplicas, Location MaxReplicasAt);

/// <summary>The Kubernetes objects of every manifest read; resolved together once all files are in (a ConfigMap and
/// the Deployment that uses it are often in different files).</summary>
internal sealed class KubernetesObjects
{
    public List<Workload> Workloads { get; } = [];
    public List<ConfigMapValue> ConfigMapValues { get; } = [];
    public List<Autoscaler> Autoscalers { get; } = [];
}
