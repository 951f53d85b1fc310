using System.Globalization;
using PoolGuard.Config.Model;
using PoolGuard.IntegrationTests.Infrastructure;
using Roles = PoolGuard.IntegrationTests.Infrastructure.PgSandbox.Roles;

namespace PoolGuard.IntegrationTests.Gateway;

/// <summary>
/// The admin console (virtual database pgbouncer / poolguard): who gets in, PgBouncer's result-set
/// layouts column for column, and clear errors for everything else, with the gateway serving on.
/// app_user is in admin_users, scram_user in stats_users, md5_user in neither.
/// </summary>
public sealed class AdminConsoleTests
{
    private static readonly TimeSpan PsqlTimeout = TimeSpan.FromSeconds(60);

    private static GatewayHarness StartGateway(AuthType auth = AuthType.Trust) =>
        GatewayHarness.Start(c => c with { AuthType = auth, AdminUsers = [Roles.App], StatsUsers = [Roles.Scram] });

    public static TheoryData<string> Subjects() => [.. PgBouncerLayouts.Show.Keys];

    [SkippableTheory]
    [MemberData(nameof(Subjects))]
    public async Task Every_show_command_answers_with_PgBouncers_column_names_order_and_types(string subject)
    {
        await using var gateway = StartGateway();
        await using var pooled = await gateway.OpenAsync(); // so pools, clients, servers and stats have rows
        using var console = await ConsoleClient.LogInAsync(gateway);

        var result = await console.ShowAsync(subject);

        Assert.Equal(PgBouncerLayouts.Fields(subject), result.Columns);
        Assert.All(result.Rows, row => Assert.Equal(result.Columns.Count, row.Count));
        Assert.NotEmpty(result.Rows);
    }

    [SkippableFact]
    public async Task Psql_shows_pools_on_the_console_after_a_scram_login_under_either_name()
    {
        await using var gateway = StartGateway(AuthType.ScramSha256);
        await using var pooled = await gateway.OpenAsync();
        foreach (var database in new[] { "pgbouncer", "poolguard" })
        {
            var result = await ProcessRunner.RunAsync(ProcessRunner.PgTool("psql"),
                ["-c", "SHOW POOLS", "-h", "127.0.0.1", "-p", gateway.Port.ToString(CultureInfo.InvariantCulture), "-U", Roles.App, database],
                PsqlTimeout, ProcessRunner.PgEnvironment(Roles.AppPassword));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("cl_active", result.Stdout, StringComparison.Ordinal);
            Assert.Contains(Roles.App, result.Stdout, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_user_in_neither_admin_users_nor_stats_users_is_refused_with_42501()
    {
        await using var gateway = StartGateway();
        using var client = await RawPgClient.ConnectAsync(gateway);
        await client.SendAsync(RawPgClient.Startup(("user", Roles.Md5), ("database", "pgbouncer")));

        var (error, closed) = await client.ReadErrorThenCloseAsync();

        Assert.NotNull(error);
        Assert.Equal("42501", error.Fields()['C']);
        Assert.Equal("FATAL", error.Fields()['S']);
        Assert.Contains("admin_users", error.Fields()['M'], StringComparison.Ordinal);
        Assert.Contains("stats_users", error.Fields()['M'], StringComparison.Ordinal);
        Assert.True(closed);
    }

    [SkippableFact]
    public async Task A_stats_user_may_show_but_gets_42501_for_any_other_command_and_stays_connected()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway, Roles.Scram);

        Assert.Single((await console.ShowAsync("VERSION")).Rows);
        var refused = await console.QueryAsync("RELOAD");

        Assert.NotNull(refused.Error);
        Assert.Equal("42501", refused.Error.Fields()['C']);
        Assert.Contains("stats_users", refused.Error.Fields()['M'], StringComparison.Ordinal);
        Assert.Single((await console.ShowAsync("STATE")).Rows, r => r[0] == "active");
    }

    [SkippableTheory]
    [InlineData("FROBNICATE")]
    [InlineData("SHOW NONSENSE")]
    public async Task An_unknown_command_gets_an_error_listing_the_supported_commands(string command)
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var answer = await console.QueryAsync(command);

        Assert.NotNull(answer.Error);
        Assert.Equal("42601", answer.Error.Fields()['C']);
        var listed = answer.Error.Fields().GetValueOrDefault('M') + answer.Error.Fields().GetValueOrDefault('H');
        foreach (var subject in PgBouncerLayouts.Show.Keys)
        {
            Assert.Contains(subject, listed, StringComparison.Ordinal);
        }
        Assert.Single((await console.ShowAsync("VERSION")).Rows); // still usable
    }

    [SkippableFact]
    public async Task Statements_separated_by_semicolons_each_get_their_answer_and_commands_ignore_case()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var answer = await console.QueryAsync("show version; Show State;");

        Assert.Null(answer.Error);
        Assert.Equal(2, answer.Sets.Count);
        Assert.StartsWith("PoolGuard ", answer.Sets[0].Rows[0][0], StringComparison.Ordinal);
        Assert.Contains("PgBouncer 1.25.0", answer.Sets[0].Rows[0][0], StringComparison.Ordinal);
        Assert.Equal(["active", "paused", "suspended"], answer.Sets[1].Rows.Select(r => r[0]));
    }

    [SkippableFact]
    public async Task Show_help_lists_the_commands_in_a_notice()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var answer = await console.QueryAsync("SHOW HELP");

        Assert.Null(answer.Error);
        var detail = Assert.Single(answer.Notices).Fields()['D'];
        Assert.Contains("SHOW HELP|CLIENTS|CONFIG|DATABASES", detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_empty_query_gets_an_error_and_the_console_stays_usable()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var answer = await console.QueryAsync("  ;  ");

        Assert.NotNull(answer.Error);
        Assert.Contains("empty query", answer.Error.Fields()['M'], StringComparison.Ordinal);
        Assert.Single((await console.ShowAsync("VERSION")).Rows);
    }

    [SkippableFact]
    public async Task The_extended_protocol_on_the_console_gets_a_clear_error_and_the_gateway_serves_others()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);
        // Parse of an unnamed statement "SHOW POOLS", no parameter types.
        var body = System.Text.Encoding.UTF8.GetBytes("\0SHOW POOLS\0\0\0");
        await console.Raw.SendAsync(RawPgClient.Message((byte)'P', body.Length + 4, body));

        var (error, closed) = await console.Raw.ReadErrorThenCloseAsync();

        Assert.NotNull(error);
        Assert.Equal("0A000", error.Fields()['C']);
        Assert.Contains("extended query protocol", error.Fields()['M'], StringComparison.Ordinal);
        Assert.True(closed);
        await gateway.AssertServesNewClientAsync();
        using var next = await ConsoleClient.LogInAsync(gateway);
        Assert.Single((await next.ShowAsync("VERSION")).Rows);
    }

    [SkippableFact]
    public async Task Show_config_lists_every_setting_under_its_pgbouncer_name()
    {
        await using var gateway = StartGateway();
        using var console = await ConsoleClient.LogInAsync(gateway);

        var config = await console.ShowAsync("CONFIG");

        var row = config.RowWhere("key", "default_pool_size");
        Assert.Equal(["default_pool_size", "5", "20", "yes"], row);
        Assert.Equal("60", config.Value(config.RowWhere("key", "stats_period"), "value"));
        Assert.Equal(Roles.Scram, config.Value(config.RowWhere("key", "stats_users"), "value"));
        Assert.Equal("no", config.Value(config.RowWhere("key", "listen_port"), "changeable"));
    }
}
