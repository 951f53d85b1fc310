using System.CommandLine;
using System.Text.Json;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;
using PoolGuard.Checks.Fixes;
using PoolGuard.Checks.Output;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard check [PATH…] [--max-connections N | --database CONNSTRING] [--superuser-reserved N] [--reserve N]
/// [--format text|json|sarif|github] [--fail-on error|warning|note]`: connection limits reviewed across an
/// application set's configuration files. Exit code: 0 clean, 1 findings at or above --fail-on, 2 a usage error,
/// a path that does not exist or a database whose limits cannot be read.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "files and folders to check (default: the current folder)", Arity = ArgumentArity.ZeroOrMore };
        var maxConnections = new Option<int?>("--max-connections") { Description = "the database's max_connections, to check the pools' sum against" };
        var database = new Option<string?>("--database")
        {
            Description = "read max_connections and the reserved slots from the database itself: a libpq or Npgsql connection string (password from PGPASSWORD)",
        };
        var superuserReserved = new Option<int?>("--superuser-reserved") { Description = "its superuser_reserved_connections (default 3, or read with --database)" };
        var reserve = new Option<int>("--reserve") { Description = "slots to keep free besides (replication, maintenance, a responder's psql)", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "text, json, sarif (2.1.0, for code scanning) or github (workflow annotations)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif", "github");
        var failOn = new Option<string>("--fail-on") { Description = "the least severity that fails the check (exit 1)", DefaultValueFactory = _ => "warning" };
        failOn.AcceptOnlyFromAmong("error", "warning", "note");
        var fix = new Option<bool>("--fix") { Description = "rewrite what can be fixed in place (connection-string keywords, ini/json keys), print the unified diff, then check again" };
        var command = new Command("check",
            "Review connection limits across configuration files (appsettings, .env, PoolGuard and PgBouncer configs, Kubernetes manifests) against the database's capacity")
        {
            paths, maxConnections, database, superuserReserved, reserve, format, failOn, fix,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(maxConnections) is < 1)
            {
                result.AddError("--max-connections must be at least 1");
            }
            if (result.GetValue(maxConnections) is not null && result.GetValue(database) is not null)
            {
                result.AddError("give --max-connections or --database, not both");
            }
            if (result.GetValue(superuserReserved) < 0 || result.GetValue(reserve) < 0)
            {
                result.AddError("--superuser-reserved and --reserve must not be negative");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            ConnectionBudget? budget = null;
            if (parse.GetValue(database) is { } connection)
            {
                budget = await LiveLimits.ReadBudgetAsync("check", connection, parse.GetValue(superuserReserved), parse.GetValue(reserve), cancellationToken).ConfigureAwait(false);
                if (budget is null)
                {
                    return ExitCodes.InvalidConfig;
                }
            }
            else if (parse.GetValue(maxConnections) is { } max)
            {
                budget = new ConnectionBudget(max, parse.GetValue(superuserReserved) ?? 3, parse.GetValue(reserve));
            }
            var given = parse.GetValue(paths) is { Length: > 0 } list ? list : ["."];
            return Run(given, budget, parse.GetValue(format)!, parse.GetValue(failOn)!, parse.GetValue(fix));
        });
        return command;
    }

    private static int Run(string[] paths, ConnectionBudget? budget, string format, string failOn, bool fix)
    {
        CheckReport report;
        try
        {
            if (!fix)
            {
                report = CheckRun.Run(paths, budget);
            }
            else
            {
                // The diff is the point of --fix for a person; beside json or sarif it goes to stderr, so stdout stays parseable.
                var diffs = format == "text" ? Console.Out : Console.Error;
                var fixedFiles = FixApplier.Fix(paths, budget, out report);
                foreach (var file in fixedFiles)
                {
                    diffs.Write(file.Diff.EndsWith('\n') ? file.Diff : file.Diff + "\n");
                }
                diffs.WriteLine($"poolguard check --fix: {fixedFiles.Count} file(s) changed; checked again: {report.Findings.Count} finding(s) left");
            }
        }
        catch (FileNotFoundException ex)
        {
            Console.Error.WriteLine($"poolguard check: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
        Console.Out.Write(format switch
        {
            "json" => JsonSerializer.Serialize(CheckViews.Document(report), CheckJsonContext.Readable.CheckDocument) + "\n",
            "sarif" => SarifLog.Render(report),
            "github" => GitHubAnnotations.Render(report) + CheckText.Summary(report) + "\n",
            _ => CheckText.Render(report, colour: Colour()),
        });
        var threshold = failOn switch { "error" => Severity.Error, "note" => Severity.Note, _ => Severity.Warning };
        return report.Findings.Any(f => f.Severity >= threshold) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>Colour only for a person at a terminal: never into a pipe or a file, and never against NO_COLOR (no-color.org).</summary>
    private static bool Colour() =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null or "" && Environment.GetEnvironmentVariable("TERM") is not "dumb";
}
