using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

public sealed class LoginTests
{
    private const int AuthenticationMd5 = 5;
    private const int AuthenticationSasl = 10;

    [SkippableTheory]
    [InlineData(false)] // Terminate alone
    [InlineData(true)]  // node-postgres connect(); end(): Terminate, then the startup packet it had queued
    public async Task A_terminate_before_the_startup_packet_is_answered_with_a_quiet_close(bool startupFollows)
    {
        await using var gateway = GatewayHarness.Start();
        using var client = await RawPgClient.ConnectAsync(gateway);
        byte[] terminate = [(byte)'X', 0, 0, 0, 4];
        await client.SendAsync(startupFollows ? [.. terminate, .. RawPgClient.Startup(("user", Roles.App), ("database", "app"))] : terminate);

        // PostgreSQL and PgBouncer close without a word; an ErrorResponse here kills node-postgres.
        Assert.Null(await client.ReadMessageAsync());
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task Scram_user_logs_in_through_the_gateway_and_runs_a_query()
    {
        await using var gateway = GatewayHarness.Start();
        await using var connection = await gateway.OpenAsync(Roles.Scram, Roles.ScramPassword);
        Assert.Equal(Roles.Scram, await ScalarAsync(connection, "select current_user"));
    }

    [SkippableFact]
    public async Task Md5_user_whose_plaintext_password_the_gateway_holds_is_offered_scram_and_the_gateway_answers_the_servers_md5()
    {
        await using var gateway = GatewayHarness.Start();
        Assert.Equal(AuthenticationSasl, await FirstAuthenticationRequestAsync(gateway, Roles.Md5));

        await using var connection = await gateway.OpenAsync(Roles.Md5, Roles.Md5Password);
        Assert.Equal(Roles.Md5, await ScalarAsync(connection, "select current_user"));
    }

    [SkippableFact]
    public async Task Md5_hash_in_the_gateway_challenges_the_client_with_md5_and_answers_the_servers_md5_challenge()
    {
        var hash = Md5Secret(Roles.Md5Password, Roles.Md5);
        await using var gateway = GatewayHarness.Start(c => WithUser(c, Roles.Md5, hash) with { AuthType = AuthType.Md5 });
        Assert.Equal(AuthenticationMd5, await FirstAuthenticationRequestAsync(gateway, Roles.Md5));

        await using var connection = await gateway.OpenAsync(Roles.Md5, Roles.Md5Password);
        Assert.Equal(Roles.Md5, await ScalarAsync(connection, "select current_user"));

        var wrong = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.Md5, "not-the-password"));
        Assert.Equal("28P01", wrong.SqlState);
    }

    [SkippableFact]
    public async Task Under_scram_auth_a_user_with_only_an_md5_hash_looks_exactly_like_an_unknown_user()
    {
        // Falling back to an md5 challenge would tell an observer that the name exists.
        var hash = Md5Secret(Roles.Md5Password, Roles.Md5);
        await using var gateway = GatewayHarness.Start(c => WithUser(c, Roles.Md5, hash));
        Assert.Equal(AuthenticationSasl, await FirstAuthenticationRequestAsync(gateway, Roles.Md5));
        Assert.Equal(AuthenticationSasl, await FirstAuthenticationRequestAsync(gateway, "no_such_user"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.Md5, Roles.Md5Password));
        Assert.Equal("28P01", refused.SqlState);
    }

    [SkippableFact]
    public async Task Scram_verifier_from_pg_authid_lets_the_gateway_log_in_with_the_clients_recovered_key()
    {
        PgSandbox.Require();
        var verifier = await PgSandbox.ScalarAsync<string>("select rolpassword from pg_authid where rolname = $1", Roles.Scram);
        Assert.StartsWith("SCRAM-SHA-256$", verifier, StringComparison.Ordinal);
        await using var gateway = GatewayHarness.Start(c => WithUser(c, Roles.Scram, verifier));

        // Two sessions at once: each needs its own server, both opened with the key passed through.
        await using var first = await gateway.OpenAsync(Roles.Scram, Roles.ScramPassword);
        await using var second = await gateway.OpenAsync(Roles.Scram, Roles.ScramPassword);
        Assert.Equal(Roles.Scram, await ScalarAsync(first, "select current_user"));
        Assert.Equal(Roles.Scram, await ScalarAsync(second, "select current_user"));
        Assert.NotEqual(await ScalarAsync(first, "select pg_backend_pid()"), await ScalarAsync(second, "select pg_backend_pid()"));

        var wrong = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.Scram, "not-the-password"));
        Assert.Equal("28P01", wrong.SqlState);
    }

    [SkippableFact]
    public async Task Wrong_password_is_refused_with_28P01()
    {
        await using var gateway = GatewayHarness.Start();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.App, "not-the-password"));
        Assert.Equal("28P01", error.SqlState);
        Assert.Equal("FATAL", error.Severity);
        Assert.Contains(Roles.App, error.MessageText, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(AuthType.ScramSha256)]
    [InlineData(AuthType.Md5)]
    [InlineData(AuthType.Plain)]
    public async Task Unknown_user_gets_the_same_refusal_as_a_known_user_with_a_wrong_password(AuthType authType)
    {
        const string unknownUser = "no_such_user";
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = authType });

        var wrong = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.App, "not-the-password"));
        var unknown = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(unknownUser, "whatever"));
        // Even asking for a database that does not exist must not tell a stranger anything.
        var unknownBoth = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(unknownUser, "whatever", "no_such_db"));

        foreach (var refused in new[] { unknown, unknownBoth })
        {
            Assert.Equal(wrong.SqlState, refused.SqlState);
            Assert.Equal(wrong.Severity, refused.Severity);
            Assert.Equal(wrong.MessageText.Replace(Roles.App, "<user>", StringComparison.Ordinal),
                refused.MessageText.Replace(unknownUser, "<user>", StringComparison.Ordinal));
            Assert.Equal(wrong.Detail, refused.Detail);
            Assert.Equal(wrong.Hint, refused.Hint);
        }
        Assert.Equal("28P01", unknown.SqlState);
    }

    [SkippableFact]
    public async Task Unknown_database_is_refused_with_3D000_after_authentication()
    {
        await using var gateway = GatewayHarness.Start();
        var error = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "no_such_db"));
        Assert.Equal("3D000", error.SqlState);
        Assert.Contains("no_such_db", error.MessageText, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(AuthType.Md5)]
    [InlineData(AuthType.Plain)]
    [InlineData(AuthType.ScramSha256)]
    public async Task Password_auth_type_works_with_npgsql_and_refuses_a_wrong_password(AuthType authType)
    {
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = authType });
        foreach (var (user, password) in new[] { (Roles.App, Roles.AppPassword), (Roles.Scram, Roles.ScramPassword), (Roles.Md5, Roles.Md5Password) })
        {
            await using var connection = await gateway.OpenAsync(user, password);
            Assert.Equal(user, await ScalarAsync(connection, "select current_user"));
        }
        var wrong = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(Roles.App, "not-the-password"));
        Assert.Equal("28P01", wrong.SqlState);
    }

    [SkippableFact]
    public async Task Trust_lets_a_known_user_in_without_a_password()
    {
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = AuthType.Trust });
        await using var connection = new NpgsqlConnection(gateway.ConnectionString(password: ""));
        await connection.OpenAsync();
        Assert.Equal(Roles.App, await ScalarAsync(connection, "select current_user"));
    }

    [SkippableFact]
    public async Task A_startup_setting_the_server_rejects_fails_the_login_with_the_servers_error()
    {
        await using var gateway = GatewayHarness.Start(c => c with { AuthType = AuthType.Trust });
        using (var client = await RawPgClient.ConnectAsync(gateway))
        {
            await client.SendAsync(RawPgClient.Startup(("user", Roles.App), ("database", "app"), ("DateStyle", "no such style")));
            var (error, closed) = await client.ReadErrorThenCloseAsync();
            Assert.True(closed);
            Assert.NotNull(error);
            Assert.Equal("22023", error.Fields()['C']); // invalid_parameter_value, as PostgreSQL reports it
            Assert.Equal("FATAL", error.Fields()['S']);
        }
        await gateway.AssertPoolSettledAsync();
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task An_unsupported_startup_parameter_is_refused_unless_listed_in_ignore_startup_parameters()
    {
        var withOptions = (GatewayHarness g) => new NpgsqlConnectionStringBuilder(g.ConnectionString()) { Options = "-c statement_timeout=5s" }.ConnectionString;
        await using (var strict = GatewayHarness.Start())
        {
            await using var refused = new NpgsqlConnection(withOptions(strict));
            var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
            Assert.Equal("08P01", error.SqlState);
            Assert.Contains("options", error.MessageText, StringComparison.Ordinal);
        }
        await using var lenient = GatewayHarness.Start(c => c with { IgnoreStartupParameters = ["options"] });
        await using var accepted = new NpgsqlConnection(withOptions(lenient));
        await accepted.OpenAsync();
        Assert.Equal("0", await ScalarAsync(accepted, "show statement_timeout")); // ignored means not applied
    }

    [SkippableTheory]
    [InlineData(false)] // connects and says nothing
    [InlineData(true)]  // sends its startup, then never answers the SCRAM challenge
    public async Task A_client_silent_past_client_login_timeout_is_disconnected(bool sendsStartup)
    {
        await using var gateway = GatewayHarness.Start(c => c with { ClientLoginTimeout = TimeSpan.FromSeconds(1) });
        using var client = await RawPgClient.ConnectAsync(gateway);
        if (sendsStartup)
        {
            await client.SendAsync(RawPgClient.Startup(("user", Roles.App), ("database", "app")));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await client.ReadErrorThenCloseAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        await Eventually.AssertAsync(() => gateway.Server.ClientConnections, n => n == 0, TimeSpan.FromSeconds(5), "the silent client still counts");
    }

    /// <summary>The authentication request the gateway answers a bare StartupMessage with.</summary>
    private static async Task<int> FirstAuthenticationRequestAsync(GatewayHarness gateway, string user)
    {
        using var client = await RawPgClient.ConnectAsync(gateway);
        await client.SendAsync(RawPgClient.Startup(("user", user), ("database", "app")));
        var message = await client.ReadMessageAsync();
        Assert.NotNull(message);
        return message.AuthCode;
    }

    private static PoolGuardConfig WithUser(PoolGuardConfig config, string user, string secret) =>
        config with { Users = new Dictionary<string, UserEntry>(config.Users) { [user] = new() { Name = user, Secret = secret } } };

#pragma warning disable CA5351 // md5 is what PostgreSQL's md5 auth is made of; this is its stored form, not our crypto.
    private static string Md5Secret(string password, string user) =>
        "md5" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
#pragma warning restore CA5351

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
