using System.Globalization;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Java;

/// <summary>
/// The PostgreSQL data sources of a Java application's settings, however they are spelled: Spring Boot's
/// <c>spring.datasource.url</c> with <c>spring.datasource.hikari.*</c>, any other prefix that carries a
/// <c>url</c> / <c>jdbc-url</c> (a second data source), and HikariCP's own <c>jdbcUrl</c> + <c>maximumPoolSize</c>.
/// Spring Boot pools with HikariCP by default, so HikariCP's defaults apply: maximumPoolSize 10, minimumIdle equal
/// to it (a fixed-size pool: every connection stays open), connectionTimeout 30 s.
/// </summary>
internal static class JdbcDataSources
{
    public const int HikariDefaultMaximumPoolSize = 10;
    public const double HikariDefaultConnectionTimeoutSeconds = 30;

    private static readonly string[] UrlKeys = ["url", "jdbcurl"];

    public static bool LooksLikeOne(string value) => value.StartsWith("jdbc:postgresql:", StringComparison.OrdinalIgnoreCase);

    public static void Add(IReadOnlyList<FlatSetting> settings, string application, CheckInputs inputs)
    {
        var byKey = settings.GroupBy(s => FlatSetting.Relaxed(s.Key)).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var url in settings.Where(s => LooksLikeOne(s.Value) && UrlKeys.Contains(FlatSetting.Relaxed(Last(s.Key)))))
        {
            var prefix = url.Key.Contains('.', StringComparison.Ordinal) ? url.Key[..url.Key.LastIndexOf('.')] : "";
            FlatSetting? Find(string name)
            {
                var relaxedPrefix = FlatSetting.Relaxed(prefix);
                var dot = relaxedPrefix.Length > 0 ? "." : "";
                return byKey.GetValueOrDefault($"{relaxedPrefix}{dot}hikari.{name}") ?? byKey.GetValueOrDefault($"{relaxedPrefix}{dot}{name}");
            }
            if (!Jdbc.TryRead(url.Value, out var host, out var port, out var database, out var problem))
            {
                inputs.Unreadable(url.Location, $"{url.Key}: {problem}");
                continue;
            }
            var max = Number(Find("maximumpoolsize"), inputs);
            var min = Number(Find("minimumidle"), inputs);
            var timeout = Number(Find("connectiontimeout"), inputs);
            var maxAt = Find("maximumpoolsize");
            inputs.Pools.Add(new ClientPool
            {
                Application = application,
                Name = url.Key,
                Location = maxAt?.Location ?? url.Location,
                Driver = "HikariCP",
                Server = $"{host}:{port}",
                Database = database,
                MaxPoolSize = max,
                // minimumIdle defaults to maximumPoolSize: the pool is kept full.
                MinPoolSize = min ?? max ?? HikariDefaultMaximumPoolSize,
                DefaultMaxPoolSize = HikariDefaultMaximumPoolSize,
                MaxSetting = prefix.Length > 0 ? $"{prefix}.hikari.maximum-pool-size" : "maximumPoolSize",
                WaitTimeout = timeout is { } ms ? ms / 1000.0 : null,
                DefaultWaitTimeout = HikariDefaultConnectionTimeoutSeconds,
                WaitSetting = prefix.Length > 0 ? $"{prefix}.hikari.connection-timeout" : "connectionTimeout",
                WaitSettingScale = 1000,
            });
        }
    }

    /// <summary>Environment variables as Spring binds them (SPRING_DATASOURCE_URL → spring.datasource.url,
    /// SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE → spring.datasource.hikari.maximumpoolsize): a JDBC URL among them is a pool.</summary>
    public static void AddFromEnvironment(IEnumerable<FlatSetting> variables, string application, CheckInputs inputs)
    {
        var settings = variables.Select(v => v with { Key = v.Key.Replace('_', '.').ToLowerInvariant() }).ToList();
        if (settings.Any(s => LooksLikeOne(s.Value)))
        {
            Add(settings, application, inputs);
        }
    }

    private static string Last(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static int? Number(FlatSetting? setting, CheckInputs inputs)
    {
        if (setting is null)
        {
            return null;
        }
        if (int.TryParse(setting.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        if (!setting.Value.Contains("${", StringComparison.Ordinal))
        {
            inputs.Unreadable(setting.Location, $"{setting.Key} is not a number: '{setting.Value}'");
        }
        return null; // a ${placeholder}: resolved where it runs, so not known here
    }
}

/// <summary>A pgjdbc URL: <c>jdbc:postgresql://host[:port][,host2…]/database?…</c> (a host-less <c>jdbc:postgresql:db</c> is localhost).</summary>
internal static class Jdbc
{
    public static bool TryRead(string url, out string host, out string port, out string database, out string? problem)
    {
        var rest = url["jdbc:postgresql:".Length..];
        problem = null;
        (host, port, database) = ("localhost", "5432", "(default)");
        if (!rest.StartsWith("//", StringComparison.Ordinal))
        {
            database = rest.Split('?')[0];
            return true;
        }
        if (!PostgresUri.TryRead("postgresql:" + rest, out var parts, out var uriProblem))
        {
            problem = uriProblem?.Replace("URI", "JDBC URL", StringComparison.Ordinal);
            return false;
        }
        (host, port, database) = (parts.Host, parts.Port, parts.Database);
        return true;
    }
}
