using System.Globalization;
using PoolGuard.Checks.Findings;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// A YAML file as nodes that know their line and column (YamlDotNet's representation model), and the small
/// lookups the readers share. A file that does not parse is PG000 at the place it breaks.
/// </summary>
internal static class YamlFile
{
    public static IReadOnlyList<YamlDocument>? Load(ConfigFile file, CheckInputs inputs, string what)
    {
        try
        {
            using var text = File.OpenText(file.Path);
            var stream = new YamlStream();
            stream.Load(text);
            return [.. stream.Documents];
        }
        catch (YamlException ex)
        {
            inputs.Unreadable(new Location(file.Shown, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column)),
                $"not valid YAML, so {what} was not checked: {ex.Message}");
            return null;
        }
    }

    public static Location At(ConfigFile file, YamlNode node) => new(file.Shown, (int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));

    public static YamlNode? Get(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode? Path(YamlNode? node, params string[] keys) => keys.Aggregate(node, Get);

    public static string? Text(YamlNode? node, params string[] keys) => Path(node, keys) is YamlScalarNode { Value: { } v } ? v : null;

    public static IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Where(c => c.Key is YamlScalarNode { Value: not null }).Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)) : [];

    public static IEnumerable<YamlNode> Items(YamlNode? node) => node is YamlSequenceNode list ? list.Children : [];

    /// <summary>A whole number at <paramref name="node"/>'s key, or null when absent; a value that is not one is PG000 there.</summary>
    public static int? Int(ConfigFile file, CheckInputs inputs, YamlNode? node, string key, string subject)
    {
        if (Get(node, key) is not { } value)
        {
            return null;
        }
        if (value is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0)
        {
            return number;
        }
        inputs.Unreadable(At(file, value), $"{subject}: {key} must be a whole number, not '{(value as YamlScalarNode)?.Value ?? value.NodeType.ToString()}'");
        return null;
    }
}
