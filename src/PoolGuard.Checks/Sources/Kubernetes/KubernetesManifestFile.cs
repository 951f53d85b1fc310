using YamlDotNet.RepresentationModel;

namespace PoolGuard.Checks.Sources.Kubernetes;

/// <summary>
/// Kubernetes manifests (*.yaml, *.yml with apiVersion and kind; several documents per file; kind: List):
/// Deployments and StatefulSets (replicas, the containers' env and envFrom), ConfigMaps (their data) and
/// HorizontalPodAutoscalers (maxReplicas). A YAML file that is not a manifest — Spring's application.yml, a CI
/// workflow — is left to the readers that know it.
/// </summary>
internal sealed class KubernetesManifestFile : IConfigReader
{
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet"];

    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            && !name.StartsWith(".poolguard-check", StringComparison.Ordinal) && LooksLikeManifest(path);
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        if (YamlFile.Load(file, inputs, "this manifest") is not { } documents)
        {
            return;
        }
        foreach (var document in documents)
        {
            Add(file, inputs, document.RootNode);
        }
    }

    /// <summary>A manifest names its apiVersion and kind at the top level; looking at the text first keeps other YAML out.</summary>
    private static bool LooksLikeManifest(string path)
    {
        var head = File.ReadLines(path).Take(200).ToList();
        return head.Any(l => l.StartsWith("apiVersion:", StringComparison.Ordinal)) && head.Any(l => l.StartsWith("kind:", StringComparison.Ordinal));
    }

    private static void Add(ConfigFile file, CheckInputs inputs, YamlNode root)
    {
        var kind = YamlFile.Text(root, "kind");
        var name = YamlFile.Text(root, "metadata", "name") ?? "(unnamed)";
        var objects = inputs.Kubernetes;
        switch (kind)
        {
            case "List":
                foreach (var item in YamlFile.Items(YamlFile.Get(root, "items")))
                {
                    Add(file, inputs, item);
                }
                break;
            case "ConfigMap":
                foreach (var (key, value) in YamlFile.Entries(YamlFile.Get(root, "data")))
                {
                    if (value is YamlScalarNode { Value: { } text })
                    {
                        objects.ConfigMapValues.Add(new ConfigMapValue(name, key, text, YamlFile.At(file, value)));
                    }
                }
                break;
            case "HorizontalPodAutoscaler":
                var max = YamlFile.Int(file, inputs, YamlFile.Get(root, "spec"), "maxReplicas", $"HorizontalPodAutoscaler {name}");
                if (max is { } ceiling && YamlFile.Text(root, "spec", "scaleTargetRef", "name") is { } target)
                {
                    objects.Autoscalers.Add(new Autoscaler(name, YamlFile.Text(root, "spec", "scaleTargetRef", "kind") ?? "Deployment", target, ceiling,
                        YamlFile.At(file, YamlFile.Path(root, "spec", "maxReplicas")!)));
                }
                break;
            case { } workload when WorkloadKinds.Contains(workload, StringComparer.Ordinal):
                var spec = YamlFile.Get(root, "spec");
                var replicasNode = YamlFile.Get(spec, "replicas");
                var replicas = YamlFile.Int(file, inputs, spec, "replicas", $"{workload} {name}") ?? 1; // Kubernetes' default
                var containers = YamlFile.Items(YamlFile.Path(spec, "template", "spec", "containers"))
                    .Concat(YamlFile.Items(YamlFile.Path(spec, "template", "spec", "initContainers")));
                objects.Workloads.Add(new Workload(workload, name, replicas, YamlFile.At(file, replicasNode ?? YamlFile.Path(root, "metadata", "name") ?? root),
                    [.. containers.SelectMany(c => Environment(file, c))]));
                break;
        }
    }

    private static IEnumerable<EnvironmentValue> Environment(ConfigFile file, YamlNode container)
    {
        foreach (var variable in YamlFile.Items(YamlFile.Get(container, "env")))
        {
            var name = YamlFile.Text(variable, "name") ?? "";
            if (YamlFile.Get(variable, "value") is YamlScalarNode { Value: { } value } node)
            {
                yield return new EnvironmentValue(name, value, YamlFile.At(file, node));
            }
            else if (YamlFile.Path(variable, "valueFrom", "configMapKeyRef") is { } reference && YamlFile.Text(reference, "name") is { } map)
            {
                yield return new EnvironmentValue(name, null, YamlFile.At(file, reference), map, YamlFile.Text(reference, "key"));
            }
        }
        foreach (var source in YamlFile.Items(YamlFile.Get(container, "envFrom")))
        {
            if (YamlFile.Text(source, "configMapRef", "name") is { } map)
            {
                yield return new EnvironmentValue("", null, YamlFile.At(file, source), map);
            }
        }
    }
}
