using YamlDotNet.RepresentationModel;

namespace PoolGuard.Checks.Sources.Java;

/// <summary>
/// Spring Boot's application*.yml / bootstrap*.yml, flattened to dotted keys as Spring binds them (every document of
/// the file: profiles included), its data sources read by <see cref="JdbcDataSources"/>.
/// </summary>
internal sealed class SpringYamlFile : IConfigReader
{
    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return (name.StartsWith("application", StringComparison.OrdinalIgnoreCase) || name.StartsWith("bootstrap", StringComparison.OrdinalIgnoreCase))
            && (name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase));
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        if (YamlFile.Load(file, inputs, "its data sources") is not { } documents)
        {
            return;
        }
        foreach (var document in documents)
        {
            var settings = new List<FlatSetting>();
            Flatten(file, document.RootNode, "", settings);
            JdbcDataSources.Add(settings, file.Application, inputs);
        }
    }

    private static void Flatten(ConfigFile file, YamlNode node, string prefix, List<FlatSetting> into)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in YamlFile.Entries(map))
                {
                    Flatten(file, value, prefix.Length > 0 ? $"{prefix}.{key}" : key, into);
                }
                break;
            case YamlScalarNode { Value: { } text }:
                into.Add(new FlatSetting(prefix, text, YamlFile.At(file, node)));
                break;
        }
    }
}
