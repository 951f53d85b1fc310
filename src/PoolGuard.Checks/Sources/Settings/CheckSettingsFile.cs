using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;
using YamlDotNet.RepresentationModel;

namespace PoolGuard.Checks.Sources.Settings;

/// <summary>
/// .poolguard-check.yml: the database's limits, replica counts and pool sizes the files do not carry.
/// Strict: an unknown key is PG000, because a misspelt <c>replica:</c> silently ignored would pass a fleet that does not fit.
/// </summary>
internal sealed class CheckSettingsFile : IConfigReader
{
    public const string FileName = ".poolguard-check.yml";

    private static readonly string[] TopKeys = ["max_connections", "superuser_reserved_connections", "reserve", "databases", "applications", "gateways"];
    private static readonly string[] DatabaseKeys = ["host", "port", "max_connections", "superuser_reserved_connections", "reserve"];
    private static readonly string[] ApplicationKeys = ["replicas", "max_replicas", "max_pool_size"];
    private static readonly string[] GatewayKeys = ["instances", "address"];

    public bool Matches(string path) => Path.GetFileName(path) is FileName or ".poolguard-check.yaml";

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        if (YamlFile.Load(file, inputs, "the check's settings") is not { } documents || documents.Count == 0)
        {
            return;
        }
        var root = documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            inputs.Unreadable(YamlFile.At(file, root), "expected a mapping (max_connections:, databases:, applications:, gateways:)");
            return;
        }
        Known(file, inputs, root, TopKeys, "");
        inputs.Settings.Add(new CheckSettings(YamlFile.At(file, root))
        {
            Default = Budget(file, inputs, root, "the default database"),
            Databases = [.. YamlFile.Entries(YamlFile.Get(root, "databases")).Select(e => Database(file, inputs, e.Key, e.Value)).OfType<DatabaseSettings>()],
            Applications = [.. YamlFile.Entries(YamlFile.Get(root, "applications")).Select(e => Known(file, inputs, e.Value, ApplicationKeys, $"application {e.Key}")
                ? new ApplicationSettings(e.Key, YamlFile.At(file, e.Value))
                {
                    Replicas = YamlFile.Int(file, inputs, e.Value, "replicas", $"application {e.Key}"),
                    MaxReplicas = YamlFile.Int(file, inputs, e.Value, "max_replicas", $"application {e.Key}"),
                    MaxPoolSize = YamlFile.Int(file, inputs, e.Value, "max_pool_size", $"application {e.Key}"),
                }
                : null).OfType<ApplicationSettings>()],
            Gateways = [.. YamlFile.Entries(YamlFile.Get(root, "gateways")).Select(e => Known(file, inputs, e.Value, GatewayKeys, $"gateway {e.Key}")
                ? new GatewaySettings(e.Key, YamlFile.At(file, e.Value))
                {
                    Instances = YamlFile.Int(file, inputs, e.Value, "instances", $"gateway {e.Key}"),
                    Address = YamlFile.Text(e.Value, "address"),
                }
                : null).OfType<GatewaySettings>()],
        });
    }

    private static DatabaseSettings? Database(ConfigFile file, CheckInputs inputs, string name, YamlNode node)
    {
        var subject = $"database {name}";
        if (!Known(file, inputs, node, DatabaseKeys, subject))
        {
            return null;
        }
        if (YamlFile.Text(node, "host") is not { Length: > 0 } host)
        {
            inputs.Unreadable(YamlFile.At(file, node), $"{subject}: host is required, to know which pools connect to it");
            return null;
        }
        if (Budget(file, inputs, node, subject) is not { } budget)
        {
            inputs.Unreadable(YamlFile.At(file, node), $"{subject}: max_connections is required");
            return null;
        }
        return new DatabaseSettings(name, host, YamlFile.Int(file, inputs, node, "port", subject) ?? 5432, budget, YamlFile.At(file, node));
    }

    private static ConnectionBudget? Budget(ConfigFile file, CheckInputs inputs, YamlNode node, string subject) =>
        YamlFile.Int(file, inputs, node, "max_connections", subject) is { } max
            ? new ConnectionBudget(max, YamlFile.Int(file, inputs, node, "superuser_reserved_connections", subject) ?? 3, YamlFile.Int(file, inputs, node, "reserve", subject) ?? 0)
            : null;

    /// <summary>False (and PG000 at each) when the mapping has keys this file does not define.</summary>
    private static bool Known(ConfigFile file, CheckInputs inputs, YamlNode node, string[] keys, string subject)
    {
        if (node is not YamlMappingNode)
        {
            inputs.Unreadable(YamlFile.At(file, node), $"{subject}: expected a mapping with {string.Join(", ", keys)}");
            return false;
        }
        var unknown = YamlFile.Entries(node).Where(e => !keys.Contains(e.Key, StringComparer.Ordinal)).ToList();
        foreach (var (key, _) in unknown)
        {
            var at = ((YamlMappingNode)node).Children.Keys.First(k => k is YamlScalarNode s && s.Value == key);
            inputs.Unreadable(YamlFile.At(file, at), $"{(subject.Length > 0 ? subject + ": " : "")}unknown key '{key}'; expected one of {string.Join(", ", keys)}");
        }
        return unknown.Count == 0;
    }
}
