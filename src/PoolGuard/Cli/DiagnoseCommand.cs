using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;
using PoolGuard.Http;
using PoolGuard.Monitoring.Diagnosis;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard diagnose [--gateway URL] [--database CONNSTRING]`: reads the gateway through its HTTP API and/or
/// samples PostgreSQL directly for a few seconds, and prints which cause the numbers point to and which they rule
/// out. Exit code: 0 healthy, 1 degraded, 2 failing, 3 cannot tell.
/// </summary>
internal static class DiagnoseCommand
{
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var gateway = new Option<string?>("--gateway") { Description = "the gateway's admin HTTP endpoint, e.g. http://127.0.0.1:9930 (read through /api/diagnosis/evidence)" };
        gateway.Validators.Add(result =>
        {
            if (GatewayUri(result.GetValueOrDefault<string?>()) is null)
            {
                result.AddError("--gateway must be an http(s) URL such as http://127.0.0.1:9930");
            }
        });
        var token = new Option<string?>("--token")
        {
            Description = "admin_http_token of the gateway (default: $POOLGUARD_ADMIN_TOKEN)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POOLGUARD_ADMIN_TOKEN"),
        };
        var database = new Option<string?>("--database")
        {
            Description = "a libpq/Npgsql connection string to sample PostgreSQL directly, e.g. \"host=db port=5432 dbname=app user=monitor\" (password from PGPASSWORD)",
        };
        var seconds = new Option<int>("--seconds") { Description = "how long to observe", DefaultValueFactory = _ => DiagnosisEndpoints.DefaultSeconds };
        seconds.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > DiagnosisEndpoints.MaxSeconds)
            {
                result.AddError($"--seconds must be 1 to {DiagnosisEndpoints.MaxSeconds}");
            }
        });
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("diagnose", "Tell connection exhaustion from pool saturation, slow queries, lock waits, idle transactions, a traffic surge and an unreachable database, with the numbers")
        {
            gateway, token, database, seconds, format,
        };
        command.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValue(gateway)) && string.IsNullOrWhiteSpace(result.GetValue(database)))
            {
                result.AddError("give --gateway URL, --database CONNSTRING, or both");
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(GatewayUri(parse.GetValue(gateway)), parse.GetValue(token), parse.GetValue(database),
            parse.GetValue(seconds), parse.GetValue(format)!, cancellationToken));
        return command;
    }

    private static Uri? GatewayUri(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    private static async Task<int> RunAsync(Uri? gateway, string? token, string? database, int seconds, string format, CancellationToken cancellationToken)
    {
        var sources = new List<string>();
        var fromGateway = gateway is null ? null : ReadGatewayAsync(gateway, token, seconds, cancellationToken);
        Task<DiagnosisEvidence>? fromDatabase = null;
        if (!string.IsNullOrWhiteSpace(database))
        {
            if (DatabaseArgument.Parse(database) is not { } target)
            {
                Console.Error.WriteLine("poolguard diagnose: --database is not a valid connection string (keywords such as host=… port=… dbname=… user=…)");
                return (int)Health.Unknown;
            }
            sources.Add($"database {target.Describe}");
            fromDatabase = SampleDatabaseAsync(target.Target, seconds, cancellationToken);
        }
        if (gateway is not null)
        {
            sources.Insert(0, $"gateway {gateway.GetLeftPart(UriPartial.Authority)}");
        }

        var evidence = fromGateway is null ? null : await fromGateway.ConfigureAwait(false);
        var direct = fromDatabase is null ? null : await fromDatabase.ConfigureAwait(false);
        var merged = Merge(evidence, direct);
        var report = Diagnoser.Diagnose(merged, sources);
        Console.Out.Write(format == "json" ? JsonSerializer.Serialize(report, AdminJsonContext.Api.DiagnosisReport) + "\n" : DiagnosisText.Render(report));
        return (int)report.Health;
    }

    private static async Task<DiagnosisEvidence> ReadGatewayAsync(Uri gateway, string? token, int seconds, CancellationToken cancellationToken)
    {
        var from = DateTimeOffset.UtcNow;
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(seconds + 15) };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            using var response = await http.GetAsync($"/api/diagnosis/evidence?seconds={seconds}", cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var hint = response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? " (give --token or $POOLGUARD_ADMIN_TOKEN)" : "";
                return Unread(from, $"the gateway at {gateway.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode} {response.ReasonPhrase}{hint}");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(body, AdminJsonContext.Api.DiagnosisEvidence, cancellationToken).ConfigureAwait(false)
                ?? Unread(from, "the gateway sent no evidence");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return Unread(from, $"cannot read the gateway at {gateway.GetLeftPart(UriPartial.Authority)}: {ex.Message}");
        }
    }

    private static DiagnosisEvidence Unread(DateTimeOffset from, string why) => new() { From = from, To = DateTimeOffset.UtcNow, GatewayError = why };

    private static async Task<DiagnosisEvidence> SampleDatabaseAsync(WatchTarget target, int seconds, CancellationToken cancellationToken)
    {
        await using var sampler = new DatabaseSampler(target, SampleTimeout);
        return await EvidenceCollector.CollectAsync(TimeSpan.FromSeconds(seconds), null, sampler.SampleAsync, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The gateway's evidence and the direct samples as one: the window spans both, the samples are pooled.</summary>
    private static DiagnosisEvidence Merge(DiagnosisEvidence? gateway, DiagnosisEvidence? direct)
    {
        if (gateway is null)
        {
            return direct!;
        }
        if (direct is null)
        {
            return gateway;
        }
        return gateway with
        {
            From = gateway.From < direct.From ? gateway.From : direct.From,
            To = gateway.To > direct.To ? gateway.To : direct.To,
            Database = [.. gateway.Database, .. direct.Database],
        };
    }
}
