using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace PoolGuard.Cli;

/// <summary>Console logging: one line per event as text, or one JSON object per line for log shippers.</summary>
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
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    });
}
