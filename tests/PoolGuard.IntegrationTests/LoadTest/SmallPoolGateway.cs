using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>A real PoolGuard in front of the sandbox's app database with a deliberately small transaction pool, for load to saturate.</summary>
internal static class SmallPoolGateway
{
    /// <param name="adminPort">the admin HTTP port (/metrics), or null for none.</param>
    /// <param name="adminToken">admin_http_token, which the control API (SET, RELOAD over HTTP) needs; null for none.</param>
    /// <param name="eventLog">event_log_file: the gateway's events as JSON lines; null for none.</param>
    public static Task<RunningProcess> StartAsync(string directory, int port, int poolSize, int? adminPort = null, string? adminToken = null, string? eventLog = null)
    {
        var config = Path.Combine(directory, "poolguard.json");
        File.WriteAllText(config, $$"""
            {
              "PoolGuard": {
                "ListenAddress": "127.0.0.1", "ListenPort": {{port}}, "AuthType": "scram-sha-256",
                "PoolMode": "transaction", "DefaultPoolSize": {{poolSize}}, "MaxClientConn": 100, "QueryWaitTimeout": "60s",
                "Databases": { "app": { "Host": "{{PgSandbox.Host}}", "Port": {{PgSandbox.Port}} } },
                "Users": { "{{PgSandbox.Roles.App}}": { "Password": "{{PgSandbox.Roles.AppPassword}}" } }
              }
            }
            """);
        var environment = new Dictionary<string, string>();
        if (adminPort is { } admin)
        {
            environment["POOLGUARD__AdminHttpPort"] = admin.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (eventLog is not null)
        {
            environment["POOLGUARD__EventLogFile"] = eventLog;
        }
        if (adminToken is not null)
        {
            environment["POOLGUARD__AdminHttpToken"] = adminToken;
        }
        return PoolGuardProcess.StartAsync(config, port, environment);
    }
}
