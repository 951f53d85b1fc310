using PoolGuard.Checks.Sources.Fleet;

namespace PoolGuard.Checks.Sources.Kubernetes;

/// <summary>
/// Turns the manifests read into pools and instance counts once every file is in: a connection string in a
/// container's env (inline, or from a ConfigMap key through configMapKeyRef or envFrom) is a pool of the workload,
/// found at the line that holds the string; a workload's replicas and its autoscaler's maxReplicas say how many
/// run. A ConfigMap no workload uses configures nothing here and is not counted.
/// </summary>
internal static class KubernetesFleet
{
    public static void AddPools(KubernetesObjects objects, CheckInputs inputs)
    {
        foreach (var workload in objects.Workloads)
        {
            var environment = new List<Java.FlatSetting>();
            foreach (var variable in workload.Environment)
            {
                if (variable.ConfigMap is null)
                {
                    if (variable.Value is { } value)
                    {
                        environment.Add(new Java.FlatSetting(variable.Name, value, variable.Location));
                        if (ConnectionStrings.Recognise(value))
                        {
                            ConnectionStrings.Add(value, variable.Location, workload.Name, variable.Name, inputs);
                        }
                    }
                    continue;
                }
                foreach (var entry in objects.ConfigMapValues.Where(v => v.ConfigMap == variable.ConfigMap && (variable.Key is null || v.Key == variable.Key)))
                {
                    environment.Add(new Java.FlatSetting(variable.Name.Length > 0 ? variable.Name : entry.Key, entry.Value, entry.Location));
                    if (ConnectionStrings.Recognise(entry.Value))
                    {
                        ConnectionStrings.Add(entry.Value, entry.Location, workload.Name, variable.Name.Length > 0 ? variable.Name : entry.Key, inputs);
                    }
                }
            }
            Java.JdbcDataSources.AddFromEnvironment(environment, workload.Name, inputs);
        }
    }

    public static void AddInstances(KubernetesObjects objects, Dictionary<string, AppInstances> fleet)
    {
        foreach (var workload in objects.Workloads)
        {
            var instances = new AppInstances(workload.Name, workload.Replicas, workload.ReplicasAt);
            if (objects.Autoscalers.FirstOrDefault(a => a.TargetName == workload.Name && a.TargetKind == workload.Kind) is { } autoscaler)
            {
                instances = instances with { MaxReplicas = Math.Max(autoscaler.MaxReplicas, workload.Replicas), MaxReplicasAt = autoscaler.MaxReplicasAt };
            }
            fleet[workload.Name] = instances;
        }
    }
}
