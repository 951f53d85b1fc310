using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PoolGuard.Config;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Http;

namespace PoolGuard.Cli;

/// <summary>`poolguard run -c FILE`: load and validate the config, serve (reloading on SIGHUP or a change of the file) until SIGINT/SIGTERM, then drain gracefully.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "poolguard.json or pgbouncer.ini to run with",
            Required = true,
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "console log format: text or json",
            DefaultValueFactory = _ => "text",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("run", "Run the gateway in the foreground") { config, logFormat };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(config)!, parse.GetValue(logFormat)!));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string logFormat)
    {
        using var loggerFactory = Logging.Create(logFormat);
        var logger = loggerFactory.CreateLogger("PoolGuard");

        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigLoader.Load(file.FullName);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }
            Console.Error.WriteLine($"poolguard: {file.FullName} is not valid; not starting.");
            return ExitCodes.InvalidConfig;
        }
        foreach (var warning in loaded.Warnings)
        {
            logger.LogWarning("{Warning}", warning);
        }

        using var stop = new CancellationTokenSource();
        using var signals = StopSignals.Register(stop.Cancel);

        await using var gateway = new GatewayServer(loaded.Config, loggerFactory, configFile: loaded.SourceFile);
        // Watching before listening: a client that sees the port open may already have edited the file.
        using var reloads = new ReloadTriggers(gateway, loaded.SourceFile, logger);
        try
        {
            gateway.Start();
        }
        catch (GatewayStartException ex)
        {
            logger.LogCritical("Cannot start: {Reason}", ex.Message);
            return ExitCodes.Failed;
        }
        AdminHttpServer? http = null;
        if (loaded.Config.AdminHttpPort != 0)
        {
            try
            {
                http = await AdminHttpServer.StartAsync(gateway, loggerFactory).ConfigureAwait(false);
            }
            catch (GatewayStartException ex)
            {
                logger.LogCritical("Cannot start: {Reason}", ex.Message);
                await gateway.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            logger.LogInformation("Admin HTTP endpoint on {Address} (/metrics, /api/*, /healthz, /readyz)", http.Address);
        }
        logger.LogInformation("PoolGuard running with {File}; {Databases} database(s) configured", loaded.SourceFile, loaded.Config.Databases.Count);

        try
        {
            // A signal, or SHUTDOWN on the admin console (then the gateway is already stopping itself).
            await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), gateway.Stopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        logger.LogInformation("Shutting down: letting transactions finish for up to {Seconds} s (shutdown_timeout)", loaded.Config.ShutdownTimeout.TotalSeconds);
        // The drain runs first so /readyz answers 503 (not accepting) while clients finish, and
        // /metrics stays readable for the whole drain; the HTTP endpoint goes last.
        await gateway.StopAsync().ConfigureAwait(false);
        if (http is not null)
        {
            await http.DisposeAsync().ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }
}
