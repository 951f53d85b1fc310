using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace PoolGuard.Cli;

/// <summary>Console logging: one line per event as text (control characters escaped), or one JSON object per line for log shippers.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(string format) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(LogLevel.Information);
        if (format == "json")
        {
            builder.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            // The simple console's layout, with client-chosen control characters escaped.
            builder.AddConsole(o => o.FormatterName = SafeTextFormatter.Name)
                .AddConsoleFormatter<SafeTextFormatter, ConsoleFormatterOptions>();
        }
    });
}
