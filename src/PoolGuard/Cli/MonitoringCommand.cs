using System.CommandLine;
using PoolGuard.Config;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;
using PoolGuard.Monitoring.Export;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard monitoring export --prometheus-rules | --grafana-dashboard [-c FILE] [-o FILE]`: PoolGuard's
/// alert rules as a Prometheus rule file (the shipped ones, or those a config puts in force), and a Grafana
/// dashboard, for fleets that run Prometheus already.
/// </summary>
internal static class MonitoringCommand
{
    public static Command Create()
    {
        var rules = new Option<bool>("--prometheus-rules") { Description = "write the alert rules as a Prometheus rule file" };
        var dashboard = new Option<bool>("--grafana-dashboard") { Description = "write a Grafana dashboard (JSON) over PoolGuard's metrics" };
        var config = new Option<FileInfo?>("--config", "-c") { Description = "export the rules this poolguard.json or pgbouncer.ini puts in force (default: the shipped rules)" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "write to this file instead of standard output" };
        var export = new Command("export", "Export PoolGuard's alert rules for Prometheus, or a Grafana dashboard") { rules, dashboard, config, output };
        export.Validators.Add(result =>
        {
            if (result.GetValue(rules) == result.GetValue(dashboard))
            {
                result.AddError("give exactly one of --prometheus-rules and --grafana-dashboard");
            }
        });
        export.SetAction((parse, cancellationToken) =>
            ExportAsync(parse.GetValue(rules), parse.GetValue(config), parse.GetValue(output), cancellationToken));
        return new Command("monitoring", "Monitoring for fleets that run Prometheus and Grafana") { export };
    }

    private static async Task<int> ExportAsync(bool rules, FileInfo? configFile, FileInfo? output, CancellationToken cancellationToken)
    {
        string text;
        if (rules)
        {
            var config = new PoolGuardConfig();
            if (configFile is not null)
            {
                try
                {
                    config = ConfigLoader.Load(configFile.FullName).Config;
                }
                catch (ConfigException ex)
                {
                    foreach (var error in ex.Errors)
                    {
                        Console.Error.WriteLine($"error: {error}");
                    }
                    Console.Error.WriteLine($"poolguard: {configFile.FullName} is not valid; nothing exported.");
                    return ExitCodes.InvalidConfig;
                }
            }
            text = PrometheusRulesExport.Write(AlertRules.Effective(config), config.AlertEvaluationInterval);
        }
        else
        {
            text = GrafanaDashboardExport.Write();
        }

        if (output is null)
        {
            await Console.Out.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(output.FullName, text, cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"poolguard: wrote {output.FullName}");
        }
        return ExitCodes.Ok;
    }
}
