using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.Gateway.Events;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// Opening a server fails (nothing listening, nothing answering, wrong password, not PostgreSQL at
/// all): the waiting client is told why, naming the server and the setting or passing the server's
/// own error, quickly, and the pool is left with nothing half-open.
/// </summary>
public sealed class ServerLoginFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task An_unreachable_database_fails_the_client_quickly_naming_host_and_port()
    {
        var port = PoolGuardProcess.UnusedPort();
        await using var gateway = GatewayHarness.Start(c => WithDatabase(c, new() { Name = "dead", Host = "127.0.0.1", Port = port, DbName = "app" }));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "dead").WaitAsync(Bound));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains($"127.0.0.1:{port}", error.MessageText, StringComparison.Ordinal);
        Assert.StartsWith("08", error.SqlState, StringComparison.Ordinal);
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.ServerConnectFailed);
        await gateway.AssertPoolSettledAsync(database: "dead");
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task A_server_that_never_answers_the_login_fails_the_client_after_server_connect_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // the kernel completes the handshake; nobody ever reads or writes
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var gateway = GatewayHarness.Start(c => WithDatabase(c with { ServerConnectTimeout = TimeSpan.FromSeconds(2) },
            new() { Name = "silent", Host = "127.0.0.1", Port = port, DbName = "app" }));

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "silent").WaitAsync(Bound));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
        Assert.Contains("server_connect_timeout", error.MessageText, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", error.MessageText, StringComparison.Ordinal);
        await gateway.AssertPoolSettledAsync(database: "silent");
    }

    [SkippableFact]
    public async Task A_server_login_failure_reaches_the_client_with_the_servers_own_error()
    {
        // The client is scram_user; the database entry forces app_user with a wrong password. Only the
        // server can have written a message naming app_user.
        await using var gateway = GatewayHarness.Start(c => WithDatabase(c,
            new() { Name = "forced", Host = PgSandbox.Host, Port = PgSandbox.Port, DbName = "app", User = Roles.App, Password = "wrong-password" }));

        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.Scram, Roles.ScramPassword, "forced").WaitAsync(Bound));
        Assert.Equal("28P01", error.SqlState);
        Assert.Contains($"\"{Roles.App}\"", error.MessageText, StringComparison.Ordinal);
        Assert.Contains(gateway.Server.Events.Recent(), e => e.Kind == GatewayEventKind.ServerLoginFailed);
        await gateway.AssertPoolSettledAsync("forced", Roles.Scram);
        await Eventually.AssertAsync(() => Task.FromResult(gateway.Server.ServerConnections), n => n == 0, TimeSpan.FromSeconds(10), "servers still counted (a closed server counts until its backend is gone)");
    }

    [SkippableFact]
    public async Task A_database_entry_pointing_at_something_that_is_not_postgres_fails_the_client_naming_the_server()
    {
        // A classic misconfiguration: the port of a web server. It answers the startup packet with HTTP.
        using var web = new TcpListener(IPAddress.Loopback, 0);
        web.Start();
        var port = ((IPEndPoint)web.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            var connections = new List<Socket>();
            try
            {
                while (true)
                {
                    var socket = await web.AcceptSocketAsync(stop.Token);
                    connections.Add(socket);
                    await socket.ReceiveAsync(new byte[1024], SocketFlags.None, stop.Token);
                    await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), SocketFlags.None, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                connections.ForEach(c => c.Dispose());
            }
        });
        await using var gateway = GatewayHarness.Start(c => WithDatabase(c, new() { Name = "web", Host = "127.0.0.1", Port = port, DbName = "app" }));

        // Npgsql makes a second attempt after a failed open; the fake answers every connection alike.
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "web").WaitAsync(Bound));
        Assert.True(error.SqlState.StartsWith("08", StringComparison.Ordinal), $"expected a connection error (08xxx), got {error.SqlState}: {error.MessageText}");
        Assert.Contains($"127.0.0.1:{port}", error.MessageText, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}: the garbage should end the login at once, not the timeout");
        await gateway.AssertPoolSettledAsync(database: "web");
        await stop.CancelAsync();
        await serving.WaitAsync(Bound);
    }

    private static PoolGuardConfig WithDatabase(PoolGuardConfig config, DatabaseEntry database) =>
        config with { Databases = new Dictionary<string, DatabaseEntry>(config.Databases) { [database.Name] = database } };
}
