using System.Net.Sockets;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A real gateway, in process, on a free loopback port, in front of the sandbox PostgreSQL.
/// Databases "app" and "pgbench"; users app_user, scram_user and md5_user with their plaintext passwords.
/// </summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private GatewayHarness(GatewayServer server, PoolGuardConfig config)
    {
        Server = server;
        Config = config;
    }

    public GatewayServer Server { get; }
    public PoolGuardConfig Config { get; }
    public int Port => Server.LocalEndPoint.Port;

    public static PoolGuardConfig BaseConfig() => new()
    {
        ListenAddress = "127.0.0.1",
        ListenPort = 0,
        AuthType = AuthType.ScramSha256,
        DefaultPoolSize = 5,
        QueryWaitTimeout = TimeSpan.FromSeconds(20),
        ServerConnectTimeout = TimeSpan.FromSeconds(5),
        Databases = new Dictionary<string, DatabaseEntry>
        {
            ["app"] = new() { Name = "app", Host = PgSandbox.Host, Port = PgSandbox.Port },
            ["pgbench"] = new() { Name = "pgbench", Host = PgSandbox.Host, Port = PgSandbox.Port },
        },
        Users = new Dictionary<string, UserEntry>
        {
            [PgSandbox.Roles.App] = new() { Name = PgSandbox.Roles.App, Secret = PgSandbox.Roles.AppPassword },
            [PgSandbox.Roles.Scram] = new() { Name = PgSandbox.Roles.Scram, Secret = PgSandbox.Roles.ScramPassword },
            [PgSandbox.Roles.Md5] = new() { Name = PgSandbox.Roles.Md5, Secret = PgSandbox.Roles.Md5Password },
        },
    };

    /// <summary>Starts a gateway; <paramref name="customize"/> adjusts the base config (pool sizes, caps…).</summary>
    public static GatewayHarness Start(Func<PoolGuardConfig, PoolGuardConfig>? customize = null, LogCapture? logs = null)
    {
        var config = Prepare(customize);
        var server = new GatewayServer(config, logs);
        server.Start();
        return new GatewayHarness(server, config);
    }

    /// <summary>The config a gateway of this process would start with, once the sandbox is known to run.</summary>
    public static PoolGuardConfig Prepare(Func<PoolGuardConfig, PoolGuardConfig>? customize = null)
    {
        PgSandbox.Require();
        // The gateway shares this process's thread pool with the test's clients. Synchronous client
        // APIs (NpgsqlCommand.Cancel blocks while it connects) would otherwise starve the gateway's
        // accept loop on a 2-core machine until the pool injects a thread, about a second later.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        return customize is null ? BaseConfig() : customize(BaseConfig());
    }

    /// <summary>A gateway started by someone else (the process host); disposing the harness stops it.</summary>
    public static GatewayHarness Adopt(GatewayServer server, PoolGuardConfig config) => new(server, config);

    /// <summary>Npgsql connection string through the gateway. Npgsql's own pool is off unless asked for.</summary>
    public string ConnectionString(string user = PgSandbox.Roles.App, string password = PgSandbox.Roles.AppPassword,
        string database = "app", bool pooling = false)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user,
            Password = password,
            Database = database,
            Pooling = pooling,
            Timeout = 30,
            CommandTimeout = 30,
            ApplicationName = "poolguard-tests",
        };
        return builder.ConnectionString;
    }

    public async Task<NpgsqlConnection> OpenAsync(string user = PgSandbox.Roles.App, string password = PgSandbox.Roles.AppPassword, string database = "app")
    {
        var connection = new NpgsqlConnection(ConnectionString(user, password, database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// Logs in and runs one query. In session pooling a client takes its server at its first
    /// message (login never waits), so this is how a test makes a client hold one, or queue for one:
    /// the task completes once the query is answered, the connection still holding its server.
    /// </summary>
    public async Task<NpgsqlConnection> OpenAndQueryAsync(string user = PgSandbox.Roles.App, string password = PgSandbox.Roles.AppPassword, string database = "app")
    {
        var connection = await OpenAsync(user, password, database);
        await using var command = new NpgsqlCommand("select 1", connection);
        await command.ExecuteScalarAsync();
        return connection;
    }

    /// <summary>A raw TCP connection to the gateway, for feeding it malformed bytes.</summary>
    public async Task<Socket> ConnectRawAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", Port);
        return socket;
    }

    /// <summary>The pool of (database, user), or null before its first client.</summary>
    public PoolSnapshot? Pool(string database = "app", string user = PgSandbox.Roles.App) =>
        Server.GetPools().SingleOrDefault(p => p.Key == new PoolKey(database, user));

    /// <summary>A fresh client logs in and runs a query: the gateway still serves.</summary>
    public async Task AssertServesNewClientAsync()
    {
        await using var connection = await OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await using var command = new NpgsqlCommand("select 41 + 1", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Once every client is gone the pool holds no active, logging-in or resetting server and no
    /// waiter: nothing leaked, nothing is stuck half-released.
    /// </summary>
    public async Task AssertPoolSettledAsync(string database = "app", string user = PgSandbox.Roles.App)
    {
        await Eventually.AssertAsync(() => Pool(database, user),
            p => p is null || (p.ClientsActive == 0 && p.ClientsWaiting == 0 && p.ServersActive == 0 && p.ServersLogin == 0 && p.ServersUsed == 0),
            TimeSpan.FromSeconds(10), $"pool {database}/{user} did not settle");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
