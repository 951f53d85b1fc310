using PoolGuard.IntegrationTests.Infrastructure;

namespace PoolGuard.IntegrationTests.LoadTest;

/// <summary>A real PoolGuard in front of the sandbox's app database with a deliberately small transaction pool, for load to saturate.</summary>
internal static class SmallPoolGateway
{
    /// <param name="adminPort">the admin HTTP port (/metrics), or null for none.</param>
    public static Task<RunningProcess> StartAsync(string directory, int port, int poolSize, int? adminPort = null)
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
        return PoolGuardProcess.StartAsync(config, port, adminPort is { } admin
            ? new Dictionary<string, string> { ["POOLGUARD__AdminHttpPort"] = admin.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : null);
    }
}
