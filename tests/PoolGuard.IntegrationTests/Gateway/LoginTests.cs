using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using static PoolGuard.IntegrationTests.Infrastructure.NpgsqlScalar;
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

    [SkippableTheory]
    [InlineData(PoolMode.Session)]
    [InlineData(PoolMode.Transaction)]
    public async Task Settings_in_options_and_as_startup_parameters_are_applied_and_never_reach_a_client_that_did_not_ask(PoolMode mode)
    {
        await using var gateway = GatewayHarness.Start(c => c with { PoolMode = mode, DefaultPoolSize = 1, AuthType = AuthType.Trust });
        var withOptions = new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { Options = "-c statement_timeout=5s --lock-timeout=3s" }.ConnectionString;

        // Npgsql's Options, as its own test suite uses them (78 tests per mode).
        await using (var asked = new NpgsqlConnection(withOptions))
        {
            await asked.OpenAsync();
            Assert.Equal("5s", await ScalarAsync(asked, "show statement_timeout"));
            Assert.Equal("3s", await ScalarAsync(asked, "show lock_timeout"));
        }

        // A raw startup packet with settings as parameters of their own, as PostgreSQL takes them.
        using (var raw = await RawPgClient.ConnectAsync(gateway))
        {
            await raw.SendAsync(RawPgClient.Startup(("user", Roles.App), ("database", "app"),
                ("statement_timeout", "1500"), ("idle_in_transaction_session_timeout", "7s")));
            await raw.ReadUntilReadyForQueryAsync();
            await raw.SendAsync(RawPgClient.Query("select current_setting('statement_timeout') || ' ' || current_setting('idle_in_transaction_session_timeout')"));
            var rows = (await raw.ReadUntilReadyForQueryAsync()).Where(m => m.TypeChar == 'D').ToList();
            Assert.Equal("1500ms 7s", Assert.Single(rows).Columns()[0]);
        }

        // The pool's only server, next for a client that asked for nothing: PostgreSQL's defaults.
        await using var plain = await gateway.OpenAsync();
        Assert.Equal("0", await ScalarAsync(plain, "show statement_timeout"));
        Assert.Equal("0", await ScalarAsync(plain, "show lock_timeout"));
        Assert.Equal("0", await ScalarAsync(plain, "show idle_in_transaction_session_timeout"));
    }

    [SkippableTheory]
    [InlineData("-B 100", "08P01", "-B")]                          // a server switch, not a setting
    [InlineData("-c no_such_setting=1", "42704", "no_such_setting")] // PostgreSQL's own refusal
    [InlineData("-c log_connections=on", "55P02", "log_connections")] // cannot be set after the start
    public async Task Options_that_cannot_be_carried_are_refused_naming_them(string options, string sqlState, string named)
    {
        await using var gateway = GatewayHarness.Start();
        await using var refused = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(gateway.ConnectionString()) { Options = options }.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal(sqlState, error.SqlState);
        Assert.Equal("FATAL", error.Severity);
        Assert.Contains(named, error.MessageText, StringComparison.Ordinal);
        await gateway.AssertServesNewClientAsync();
    }

    [SkippableFact]
    public async Task Options_listed_in_ignore_startup_parameters_are_accepted_and_not_applied()
    {
        await using var lenient = GatewayHarness.Start(c => c with { IgnoreStartupParameters = ["options"] });
        await using var accepted = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(lenient.ConnectionString()) { Options = "-B 100 -c statement_timeout=5s" }.ConnectionString);
        await accepted.OpenAsync();
        Assert.Equal("0", await ScalarAsync(accepted, "show statement_timeout")); // ignored means not applied
    }

    [SkippableFact]
    public async Task The_fallback_database_serves_any_name_with_a_pool_per_database_named_in_show_pools()
    {
        // A config with nothing but PgBouncer's "* = host=… port=…".
        await using var gateway = GatewayHarness.Start(c => c with
        {
            Databases = new Dictionary<string, DatabaseEntry> { ["*"] = new() { Name = "*", Host = PgSandbox.Host, Port = PgSandbox.Port } },
            AdminUsers = [Roles.App],
            AuthType = AuthType.Trust,
        });
        await using (var app = await gateway.OpenAsync(database: "app"))
        await using (var bench = await gateway.OpenAsync(database: "pgbench"))
        {
            Assert.Equal("app", await ScalarAsync(app, "select current_database()"));
            Assert.Equal("pgbench", await ScalarAsync(bench, "select current_database()"));
        }

        using var console = await ConsoleClient.LogInAsync(gateway);
        var pools = await console.ShowAsync("POOLS");
        Assert.Equal(["app", "pgbench"], pools.Rows.Select(r => pools.Value(r, "database")!).Where(d => d != "pgbouncer").Order(StringComparer.Ordinal).ToArray());
        var databases = await console.ShowAsync("DATABASES");
        Assert.Equal(["*", "app", "pgbench", "pgbouncer"], databases.Rows.Select(r => databases.Value(r, "name")!).ToArray());

        // A name PostgreSQL does not know gets PostgreSQL's own answer.
        var missing = await Assert.ThrowsAsync<PostgresException>(() => gateway.OpenAsync(database: "no_such_db"));
        Assert.Equal("3D000", missing.SqlState);
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
}
