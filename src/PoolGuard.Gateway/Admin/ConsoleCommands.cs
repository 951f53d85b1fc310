using PoolGuard.Protocol.Errors;

namespace PoolGuard.Gateway.Admin;

/// <summary>A console command: its verb, what SHOW HELP prints for it, who may run it, and what it does.</summary>
internal sealed record ConsoleCommand(string Verb, string Usage, bool AdminOnly, Func<ConsoleContext, string, ConsoleOutput, ValueTask> Run);

/// <summary>
/// The console's commands, as tables: a verb runs a command, SHOW's argument picks a result set. Adding a
/// command (PAUSE, RELOAD, KILL…) is one more row; SHOW HELP and the unknown-command error list exactly
/// what the tables hold.
/// </summary>
internal static class ConsoleCommands
{
    /// <summary>SHOW's subjects, in the order SHOW HELP lists them.</summary>
    private static readonly (string Name, Func<ConsoleContext, ConsoleTable> Show)[] ShowSubjects =
    [
        ("CLIENTS", ShowConnections.Clients),
        ("CONFIG", ShowSettings.Config),
        ("DATABASES", ShowSettings.Databases),
        ("LISTS", ShowSettings.Lists),
        ("POOLS", ShowPools.Run),
        ("SERVERS", ShowConnections.Servers),
        ("STATE", ShowSettings.State),
        ("STATS", ShowStats.Stats),
        ("STATS_AVERAGES", ShowStats.Averages),
        ("STATS_TOTALS", ShowStats.Totals),
        ("USERS", ShowSettings.Users),
        ("VERSION", ShowSettings.Version),
    ];

    private static readonly Dictionary<string, Func<ConsoleContext, ConsoleTable>> Subjects =
        ShowSubjects.ToDictionary(s => s.Name, s => s.Show, StringComparer.OrdinalIgnoreCase);

    private static readonly ConsoleCommand[] All =
    [
        new("SHOW", $"SHOW HELP|{string.Join('|', ShowSubjects.Select(s => s.Name))}", AdminOnly: false, Show),
        .. ControlCommands.All,
    ];

    private static readonly Dictionary<string, ConsoleCommand> ByVerb = All.ToDictionary(c => c.Verb, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every command's usage, one per line: SHOW HELP's text and the unknown-command error's list.</summary>
    public static string Usage { get; } = string.Join('\n', All.Select(c => c.Usage));

    public static ConsoleCommand? Find(string verb) => ByVerb.GetValueOrDefault(verb);

    private static ValueTask Show(ConsoleContext context, string subject, ConsoleOutput output)
    {
        if (subject.Equals("HELP", StringComparison.OrdinalIgnoreCase))
        {
            output.Notice(new PgError("NOTICE", "00000", "Console usage") { Detail = Usage });
            output.Complete("SHOW");
            return ValueTask.CompletedTask;
        }
        if (!Subjects.TryGetValue(subject, out var show))
        {
            throw new ConsoleCommandException(PgError.Error(SqlState.SyntaxError,
                subject.Length == 0 ? "SHOW needs a subject" : $"unknown SHOW subject '{subject}'",
                $"supported: {All[0].Usage}"));
        }
        var table = show(context);
        output.Table(table.Columns, table.Rows);
        output.Complete("SHOW");
        return ValueTask.CompletedTask;
    }
}

/// <summary>A command failed; the client gets <see cref="Error"/> and the console carries on.</summary>
internal sealed class ConsoleCommandException(PgError error) : Exception(error.Message)
{
    public PgError Error { get; } = error;
}
