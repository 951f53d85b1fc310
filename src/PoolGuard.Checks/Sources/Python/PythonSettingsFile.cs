using System.Globalization;
using System.Text.RegularExpressions;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Python;

/// <summary>
/// Python modules that configure PostgreSQL pools, read without running them: Django's <c>DATABASES</c> (the
/// psycopg 3 pool of Django 5.1+ in <c>OPTIONS["pool"]</c>; without it one connection per worker thread, a number
/// only the app server's settings know) and SQLAlchemy's <c>create_engine(url, pool_size=…, max_overflow=…,
/// pool_timeout=…, poolclass=…)</c> and Flask-SQLAlchemy's <c>SQLALCHEMY_ENGINE_OPTIONS</c>. Values that are not
/// literals (os.environ[…]) are unknown here, never guessed; a module that does not parse is PG000.
/// </summary>
internal sealed partial class PythonSettingsFile : IConfigReader
{
    /// <summary>psycopg_pool's ConnectionPool: min_size 4, max_size = min_size, timeout 30 s.</summary>
    private const int PsycopgPoolMinSize = 4;
    private const double PsycopgPoolTimeout = 30;

    /// <summary>SQLAlchemy's QueuePool: pool_size 5 plus max_overflow 10, pool_timeout 30 s.</summary>
    public const int SqlAlchemyPoolSize = 5;
    public const int SqlAlchemyMaxOverflow = 10;
    private const double SqlAlchemyPoolTimeout = 30;

    /// <summary>Where a pool's target is an expression: counted per application, never summed on a server.</summary>
    public const string UnknownServer = "(set where it runs)";

    public bool Matches(string path) => path.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        var text = File.ReadAllText(file.Path);
        if (!text.Contains("DATABASES", StringComparison.Ordinal) && !text.Contains("create_engine", StringComparison.Ordinal)
            && !text.Contains("SQLALCHEMY_ENGINE_OPTIONS", StringComparison.Ordinal))
        {
            return;
        }
        var found = new CheckInputs();
        var parser = new PythonLiteral(text);
        try
        {
            foreach (Match match in DatabasesAssignment().Matches(text))
            {
                if (parser.ReadAt(match.Index + match.Length - 1) is PyDict databases)
                {
                    Django(file, text, databases, found);
                }
            }
            foreach (Match match in CreateEngineCall().Matches(text))
            {
                var call = parser.ReadCall(match.Index + match.Length - 1);
                var url = call.Positional.FirstOrDefault() ?? call.Keywords.GetValueOrDefault("url");
                SqlAlchemy(file, text, url, call.Keywords, call.Offset, found);
            }
            if (EngineOptionsAssignment().Match(text) is { Success: true } options && parser.ReadAt(options.Index + options.Length - 1) is PyDict engineOptions)
            {
                // One statement per line: the URI is read from its own line, where a newline ends it.
                var uri = UriAssignment().Match(text) is { Success: true } u ? new PythonLiteral(text[(u.Index + u.Length)..].Split('\n')[0]).ReadAt(0) : null;
                SqlAlchemy(file, text, uri, engineOptions.Entries.Where(e => e.Key is PyString).ToDictionary(e => ((PyString)e.Key).Value, e => e.Value), engineOptions.Offset, found);
            }
        }
        catch (FormatException ex)
        {
            var offset = ex.Data["offset"] is int at ? at : 0;
            inputs.Unreadable(At(file, text, offset), $"this Python module could not be read, so its database settings were not checked: {ex.Message}");
            return;
        }
        inputs.Pools.AddRange(found.Pools);
        inputs.Findings.AddRange(found.Findings);
    }

    private static void Django(ConfigFile file, string text, PyDict databases, CheckInputs into)
    {
        foreach (var (alias, value) in databases.Entries)
        {
            if (value is not PyDict database || database["ENGINE"] is not PyString { Value: var engine }
                || !(engine.Contains("postgresql", StringComparison.Ordinal) || engine.Contains("postgis", StringComparison.Ordinal)))
            {
                continue;
            }
            var name = $"DATABASES[{Literal(alias)}]";
            var pool = (database["OPTIONS"] as PyDict)?["pool"];
            var settings = pool as PyDict;
            var pooled = pool is PyConstant { Name: "True" } || settings is not null;
            var min = pooled ? Number(settings?["min_size"]) ?? PsycopgPoolMinSize : (int?)null;
            into.Pools.Add(new ClientPool
            {
                Application = file.Application,
                Name = name,
                Location = At(file, text, (pool ?? alias).Offset),
                Driver = "Django",
                Server = Server(database["HOST"], database["PORT"]),
                Database = database["NAME"] is PyString { Value: var db } ? db : "(default)",
                MaxPoolSize = pooled ? Number(settings?["max_size"]) ?? min : null,
                MinPoolSize = min,
                MaxSetting = "OPTIONS[\"pool\"][\"max_size\"]",
                Hint = pooled ? null : "without OPTIONS[\"pool\"] (Django 5.1+, psycopg 3) Django holds a connection per worker thread, a number only the app server's settings know",
                WaitTimeout = pooled ? Seconds(settings?["timeout"]) : null,
                DefaultWaitTimeout = pooled ? PsycopgPoolTimeout : null,
                WaitSetting = "OPTIONS[\"pool\"][\"timeout\"]",
            });
        }
    }

    private static void SqlAlchemy(ConfigFile file, string text, PyValue? url, IReadOnlyDictionary<string, PyValue> options, int offset, CheckInputs into)
    {
        string server = UnknownServer, database = "(unknown)";
        if (url is PyString { Value: var literal })
        {
            if (!PostgresUri.LooksLikeOne(literal))
            {
                return; // another database
            }
            if (PostgresUri.TryRead(literal, out var parts, out _))
            {
                (server, database) = ($"{parts.Host}:{parts.Port}", parts.Database);
            }
        }
        var poolClass = options.GetValueOrDefault("poolclass") is PyExpression { Text: var cls } ? cls : null;
        var size = Number(options.GetValueOrDefault("pool_size"));
        var overflow = Number(options.GetValueOrDefault("max_overflow"));
        var single = poolClass is not null && (poolClass.EndsWith("StaticPool", StringComparison.Ordinal) || poolClass.EndsWith("SingletonThreadPool", StringComparison.Ordinal));
        into.Pools.Add(new ClientPool
        {
            Application = file.Application,
            Name = options.ContainsKey("poolclass") || size is not null || overflow is not null ? "create_engine(…)" : "create_engine(…) with QueuePool defaults",
            Location = At(file, text, offset),
            Driver = "SQLAlchemy",
            Server = server,
            Database = database,
            // NullPool opens a connection per checkout; max_overflow=-1 lets the overflow grow without limit.
            Pooling = !(poolClass?.EndsWith("NullPool", StringComparison.Ordinal) ?? false) && overflow != -1,
            UnboundedBy = overflow == -1 ? "max_overflow=-1" : "poolclass=NullPool",
            MaxPoolSize = single ? 1 : size is null && overflow is null ? null : (size ?? SqlAlchemyPoolSize) + (overflow ?? SqlAlchemyMaxOverflow),
            DefaultMaxPoolSize = SqlAlchemyPoolSize + SqlAlchemyMaxOverflow,
            MaxSetting = "pool_size + max_overflow",
            WaitTimeout = Seconds(options.GetValueOrDefault("pool_timeout")),
            DefaultWaitTimeout = SqlAlchemyPoolTimeout,
            WaitSetting = "pool_timeout",
        });
    }

    private static string Server(PyValue? host, PyValue? port)
    {
        var h = host switch { PyString { Value: { Length: > 0 } v } => v, null => "localhost", PyString => "localhost", _ => null };
        var p = port switch { PyString { Value: { Length: > 0 } v } => v, PyNumber n => n.Value.ToString(CultureInfo.InvariantCulture), null or PyString => "5432", _ => null };
        return h is null || p is null ? UnknownServer : $"{h}:{p}";
    }

    private static int? Number(PyValue? value) => value is PyNumber n ? (int)n.Value : null;

    private static double? Seconds(PyValue? value) => value is PyNumber n ? n.Value : null;

    private static string Literal(PyValue key) => key is PyString s ? $"'{s.Value}'" : "…";

    private static Location At(ConfigFile file, string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new Location(file.Shown, line, offset - lineStart + 1);
    }

    [GeneratedRegex(@"^DATABASES\s*=\s*\{", RegexOptions.Multiline)]
    private static partial Regex DatabasesAssignment();

    [GeneratedRegex(@"\bcreate_(?:async_)?engine\s*\(")]
    private static partial Regex CreateEngineCall();

    [GeneratedRegex(@"\bSQLALCHEMY_ENGINE_OPTIONS\s*=\s*\{")]
    private static partial Regex EngineOptionsAssignment();

    [GeneratedRegex(@"\bSQLALCHEMY_DATABASE_URI\s*=\s*")]
    private static partial Regex UriAssignment();
}
