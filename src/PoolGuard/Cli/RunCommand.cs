using System.CommandLine;
using PoolGuard.Config;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Hosting;

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

        InterruptSignal.RestoreDefault();
        PoolGuardHost host;
        try
        {
            host = await PoolGuardHost.CreateAsync(new HostSettings(loaded.Config)
            {
                ConfigFile = loaded.SourceFile,
                Logging = logging => Logging.Configure(logging, logFormat),
            }).ConfigureAwait(false);
        }
        catch (GatewayStartException ex)
        {
            Console.Error.WriteLine($"poolguard: cannot start: {ex.Message}");
            return ExitCodes.Failed;
        }
        await using (host.ConfigureAwait(false))
        {
            foreach (var warning in loaded.Warnings)
            {
                host.Logger.ConfigWarning(warning);
            }
            try
            {
                await host.StartAsync().ConfigureAwait(false);
            }
            catch (GatewayStartException ex)
            {
                host.Logger.CannotStart(ex.Message);
                return ExitCodes.Failed;
            }
            if (host.AdminAddress is { } address)
            {
                host.Logger.AdminHttpListening(address);
            }
            host.Logger.Running(loaded.SourceFile, loaded.Config.Databases.Count);
            await host.RunUntilStoppedAsync().ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }
}
