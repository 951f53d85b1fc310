using System.CommandLine;
using System.Text.Json;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard check [PATH…] [--max-connections N] [--superuser-reserved N] [--reserve N] [--format text|json]
/// [--fail-on error|warning|note]`: connection limits reviewed across an application's configuration files.
/// Exit code: 0 clean, 1 findings at or above --fail-on, 2 a usage error or a path that does not exist.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "files and folders to check (default: the current folder)", Arity = ArgumentArity.ZeroOrMore };
        var maxConnections = new Option<int?>("--max-connections") { Description = "the database's max_connections, to check the pools' sum against" };
        var superuserReserved = new Option<int>("--superuser-reserved") { Description = "its superuser_reserved_connections", DefaultValueFactory = _ => 3 };
        var reserve = new Option<int>("--reserve") { Description = "slots to keep free besides (replication, maintenance, a responder's psql)", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var failOn = new Option<string>("--fail-on") { Description = "the least severity that fails the check (exit 1)", DefaultValueFactory = _ => "warning" };
        failOn.AcceptOnlyFromAmong("error", "warning", "note");
        var command = new Command("check", "Review connection limits across configuration files (Npgsql connection strings in appsettings*.json) against the database's capacity")
        {
            paths, maxConnections, superuserReserved, reserve, format, failOn,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(maxConnections) is < 1)
            {
                result.AddError("--max-connections must be at least 1");
            }
            if (result.GetValue(superuserReserved) < 0 || result.GetValue(reserve) < 0)
            {
                result.AddError("--superuser-reserved and --reserve must not be negative");
            }
        });
        command.SetAction(parse =>
        {
            var budget = parse.GetValue(maxConnections) is { } max ? new ConnectionBudget(max, parse.GetValue(superuserReserved), parse.GetValue(reserve)) : null;
            var given = parse.GetValue(paths) is { Length: > 0 } list ? list : ["."];
            return Run(given, budget, parse.GetValue(format)!, parse.GetValue(failOn)!);
        });
        return command;
    }

    private static int Run(string[] paths, ConnectionBudget? budget, string format, string failOn)
    {
        CheckReport report;
        try
        {
            report = CheckRun.Run(paths, budget);
        }
        catch (FileNotFoundException ex)
        {
            Console.Error.WriteLine($"poolguard check: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
        Console.Out.Write(format == "json" ? JsonSerializer.Serialize(CheckViews.Document(report), CheckJsonContext.Readable.CheckDocument) + "\n" : CheckText.Render(report));
        var threshold = failOn switch { "error" => Severity.Error, "note" => Severity.Note, _ => Severity.Warning };
        return report.Findings.Any(f => f.Severity >= threshold) ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
