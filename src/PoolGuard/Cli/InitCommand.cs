using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using PoolGuard.Checks.Templates;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard init (--max-connections N | --database CONNSTRING) --apps api=6,worker=3 [--gateways 2]
/// [--gateway poolguard|pgbouncer] [--db-host H] [--db-port P] [--db-name D] [--output DIR] [--force]`:
/// safe starting configurations — the gateway's, each application's connection string, and .poolguard-check.yml —
/// with limits computed from the database's capacity, that pass `poolguard check`. Existing files are kept unless --force.
/// </summary>
internal static partial class InitCommand
{
    public static Command Create()
    {
        var maxConnections = new Option<int?>("--max-connections") { Description = "the database's max_connections" };
        var database = new Option<string?>("--database") { Description = "read max_connections and the reserved slots from the database (libpq or Npgsql string; password from PGPASSWORD)" };
        var superuserReserved = new Option<int?>("--superuser-reserved") { Description = "its superuser_reserved_connections (default 3, or read with --database)" };
        var reserve = new Option<int>("--reserve") { Description = "slots to keep free besides (replication, maintenance, a responder's psql)", DefaultValueFactory = _ => 0 };
        var apps = new Option<string>("--apps") { Description = "the applications and their instance counts: api=6,worker=3", Required = true };
        var gateways = new Option<int>("--gateways") { Description = "gateway instances in front of the database", DefaultValueFactory = _ => 1 };
        var kind = new Option<string>("--gateway") { Description = "poolguard (poolguard.json) or pgbouncer (pgbouncer.ini)", DefaultValueFactory = _ => "poolguard" };
        kind.AcceptOnlyFromAmong("poolguard", "pgbouncer");
        var dbHost = new Option<string>("--db-host") { Description = "where the gateway finds PostgreSQL", DefaultValueFactory = _ => "127.0.0.1" };
        var dbPort = new Option<int>("--db-port") { DefaultValueFactory = _ => 5432 };
        var dbName = new Option<string>("--db-name") { Description = "the database the applications use", DefaultValueFactory = _ => "app" };
        var output = new Option<string>("--output", "-o") { Description = "the folder to write into", DefaultValueFactory = _ => "." };
        var force = new Option<bool>("--force") { Description = "overwrite files that exist" };
        var command = new Command("init", "Write safe starting configurations (gateway, applications' connection strings, .poolguard-check.yml) sized to the database's capacity")
        {
            maxConnections, database, superuserReserved, reserve, apps, gateways, kind, dbHost, dbPort, dbName, output, force,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(maxConnections) is null) == (result.GetValue(database) is null))
            {
                result.AddError("give --max-connections N or --database CONNSTRING (one of them)");
            }
            // Only what was given: an option left to its default reads as 0 here.
            if (result.GetValue(maxConnections) is < 1 || (result.GetResult(gateways) is not null && result.GetValue(gateways) < 1)
                || (result.GetResult(reserve) is not null && result.GetValue(reserve) < 0) || result.GetValue(superuserReserved) < 0)
            {
                result.AddError("--max-connections and --gateways must be at least 1, --reserve and --superuser-reserved not negative");
            }
            if (result.GetValue(apps) is { } spec && ParseApps(spec, out var problem) is null)
            {
                result.AddError(problem!);
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var budget = parse.GetValue(database) is { } connection
                ? await LiveLimits.ReadBudgetAsync("init", connection, parse.GetValue(superuserReserved), parse.GetValue(reserve), cancellationToken).ConfigureAwait(false)
                : new ConnectionBudget(parse.GetValue(maxConnections)!.Value, parse.GetValue(superuserReserved) ?? 3, parse.GetValue(reserve));
            if (budget is null)
            {
                return ExitCodes.InvalidConfig;
            }
            var request = new StarterRequest(budget, ParseApps(parse.GetValue(apps)!, out _)!)
            {
                Gateways = parse.GetValue(gateways),
                GatewayKind = parse.GetValue(kind)!,
                DatabaseHost = parse.GetValue(dbHost)!,
                DatabasePort = parse.GetValue(dbPort),
                DatabaseName = parse.GetValue(dbName)!,
            };
            return Write(request, parse.GetValue(output)!, parse.GetValue(force));
        });
        return command;
    }

    private static int Write(StarterRequest request, string folder, bool force)
    {
        IReadOnlyDictionary<string, string> files;
        StarterSizing sizing;
        try
        {
            sizing = StarterTemplates.Size(request);
            files = StarterTemplates.Files(request);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"poolguard init: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
        var existing = files.Keys.Where(f => File.Exists(Path.Combine(folder, f))).ToList();
        if (existing.Count > 0 && !force)
        {
            Console.Error.WriteLine($"poolguard init: {string.Join(", ", existing)} already exist(s) in {folder}; nothing written (give --force to overwrite)");
            return ExitCodes.InvalidConfig;
        }
        foreach (var (relative, text) in files)
        {
            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text);
            Console.Out.WriteLine($"wrote {Path.Combine(folder, relative)}");
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{request.Budget}: each of {request.Gateways} {request.GatewayKind} instance(s) opens at most {sizing.ServerConnectionsPerGateway} server connection(s) "
            + $"and accepts {sizing.MaxClientConnPerGateway} client(s); each of {sizing.Instances} application instance(s) pools at most {sizing.ClientPoolPerInstance}."));
        Console.Out.WriteLine($"next: poolguard check {folder}");
        return ExitCodes.Ok;
    }

    /// <summary>"api=6,worker=3" → apps; null with the reason when a part is not name=count.</summary>
    internal static List<StarterApp>? ParseApps(string spec, out string? problem)
    {
        var apps = new List<StarterApp>();
        problem = null;
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=');
            if (pieces.Length != 2 || !AppName().IsMatch(pieces[0]) || !int.TryParse(pieces[1], NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
            {
                problem = $"--apps: '{part}' is not name=instances (a name of letters, digits, '.', '_' or '-', and a count of at least 1), e.g. --apps api=6,worker=3";
                return null;
            }
            if (apps.Any(a => a.Name.Equals(pieces[0], StringComparison.OrdinalIgnoreCase)))
            {
                problem = $"--apps: {pieces[0]} is given twice";
                return null;
            }
            apps.Add(new StarterApp(pieces[0], replicas));
        }
        if (apps.Count == 0)
        {
            problem = "--apps: give at least one application, e.g. --apps api=6,worker=3";
            return null;
        }
        return apps;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex AppName();
}
