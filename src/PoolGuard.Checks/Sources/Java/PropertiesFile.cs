using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Java;

/// <summary>
/// A Java .properties file (Spring Boot's application*.properties, HikariCP's hikari.properties, any *.properties):
/// <c>key=value</c> or <c>key: value</c> lines, # and ! comments, a trailing backslash continuing the value.
/// Its PostgreSQL data sources are read by <see cref="JdbcDataSources"/>.
/// </summary>
internal sealed class PropertiesFile : IConfigReader
{
    public bool Matches(string path) => path.EndsWith(".properties", StringComparison.OrdinalIgnoreCase);

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        var settings = new List<FlatSetting>();
        var lines = File.ReadAllLines(file.Path);
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimStart();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            var start = index;
            while (line.EndsWith('\\') && index + 1 < lines.Length)
            {
                line = line[..^1] + lines[++index].TrimStart();
            }
            var cut = line.IndexOfAny(['=', ':']);
            var key = (cut < 0 ? line : line[..cut]).Trim();
            var value = cut < 0 ? "" : line[(cut + 1)..].Trim();
            var column = lines[start].Length - lines[start].TrimStart().Length + (cut < 0 ? 0 : lines[start].TrimStart().IndexOf(value, cut, StringComparison.Ordinal));
            settings.Add(new FlatSetting(key, value, new Location(file.Shown, start + 1, Math.Max(1, column + 1))));
        }
        JdbcDataSources.Add(settings, file.Application, inputs);
    }
}
