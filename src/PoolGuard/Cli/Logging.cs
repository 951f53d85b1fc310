using Microsoft.Extensions.Logging.Console;

namespace PoolGuard.Cli;

/// <summary>Console logging: one line per event as text (control characters escaped), or one JSON object per line for log shippers.</summary>
internal static class Logging
{
    public static void Configure(ILoggingBuilder builder, string format)
    {
        builder.SetMinimumLevel(LogLevel.Information);
        // The host's own lifecycle lines: a port Kestrel cannot bind would otherwise print the hosting
        // layer's stack trace ahead of PoolGuard's one line naming admin_http_port, and its start and
        // stop notices repeat what PoolGuard says itself. Kestrel's request warnings stay.
        builder.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        // ASP.NET Core logs four lines at Information for every request: a Prometheus scrape every 15 s and a
        // dashboard polling every few seconds would bury PoolGuard's own events. Its warnings and errors stay.
        builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
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
    }
}
