using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PoolGuard.Cli;

/// <summary>
/// The text log, one line per event, in the simple console's layout
/// (<c>2026-12-02T02:23:41.545Z info: PoolGuard.Gateway[1] message</c>), with every control
/// character written as an escape. Messages carry bytes clients chose (user and database names,
/// message types, startup parameters): a raw ESC would drive the operator's terminal, a raw newline
/// would forge a log line. The JSON format escapes them already.
/// </summary>
internal sealed class SafeTextFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "poolguard-text";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }
        var line = new StringBuilder(message.Length + 64);
        line.Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", System.Globalization.CultureInfo.InvariantCulture))
            .Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category)
            .Append('[').Append(logEntry.EventId.Id).Append("] ");
        AppendEscaped(line, message);
        if (logEntry.Exception is { } exception)
        {
            line.Append(' ');
            AppendEscaped(line, exception.ToString());
        }
        textWriter.Write(line.Append(Environment.NewLine).ToString());
    }

    /// <summary>Control characters (C0, DEL, C1) as \n, \t, \r or \xNN; everything else as it is.</summary>
    public static void AppendEscaped(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                case '\t': line.Append("\\t"); break;
                case < ' ' or '\u007f' or (>= '\u0080' and <= '\u009f'):
                    line.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: line.Append(c); break;
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
