using PoolGuard.Config;
using PoolGuard.Config.Model;

namespace PoolGuard.Tests.Config;

public sealed class PgBouncerConfigLoaderTests : IDisposable
{
    private readonly TempConfigDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Ini_with_databases_users_and_a_userlist_of_all_three_secret_kinds_loads_into_the_model()
    {
        _directory.Write("userlist.txt", $""""
            ; users for the gateway
            "alice" "{TestSecrets.Scram}"
            "bob" "{TestSecrets.Md5}"
            "carol ""the quote""" "{TestSecrets.Plaintext}"
            """");
        var ini = _directory.Write("pgbouncer.ini", """
            [databases]
            app = host=db1 port=5433 dbname=app_prod pool_size=15 min_pool_size=2 max_db_connections=30 pool_mode=transaction
            forced = host=10.0.0.9 user=svc password='it''s a \'secret\'' pool_mode=statement
            "my-db" = host=db2

            [users]
            alice = pool_mode=session max_user_connections=4

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = 6433
            auth_type = plain
            auth_file = userlist.txt
            admin_users = alice, bob
            pool_mode = transaction
            default_pool_size = 25
            min_pool_size = 1
            max_client_conn = 1000
            max_db_connections = 40
            max_user_connections = 35
            max_server_connections = 90
            max_waiting_clients = 300
            query_wait_timeout = 30
            client_login_timeout = 0.5
            server_idle_timeout = 5m
            server_lifetime = 00:30:00
            server_connect_timeout = 2500ms
            server_reset_query = DEALLOCATE ALL
            ignore_startup_parameters = extra_float_digits, options
            """);

        var result = ConfigLoader.Load(ini);

        Assert.Empty(result.Warnings);
        var config = result.Config;
        Assert.Equal(("127.0.0.1", 6433, AuthType.Plain, PoolMode.Transaction), (config.ListenAddress, config.ListenPort, config.AuthType, config.PoolMode));
        Assert.Equal(["alice", "bob"], config.AdminUsers);
        Assert.Equal((25, 1, 1000), (config.DefaultPoolSize, config.MinPoolSize, config.MaxClientConn));
        Assert.Equal((40, 35, 90, 300), (config.MaxDbConnections, config.MaxUserConnections, config.MaxServerConnections, config.MaxWaitingClients));
        Assert.Equal(TimeSpan.FromSeconds(30), config.QueryWaitTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.ClientLoginTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), config.ServerIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), config.ServerLifetime);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), config.ServerConnectTimeout);
        Assert.Equal("DEALLOCATE ALL", config.ServerResetQuery);
        Assert.Equal(["extra_float_digits", "options"], config.IgnoreStartupParameters);

        var app = config.Databases["app"];
        Assert.Equal(("db1", 5433, "app_prod", 15, 2, 30, PoolMode.Transaction),
            (app.Host, app.Port, app.ServerDatabase, app.PoolSize, app.MinPoolSize, app.MaxDbConnections, app.PoolMode));
        var forced = config.Databases["forced"];
        Assert.Equal(("10.0.0.9", "svc", "it's a 'secret'", PoolMode.Statement), (forced.Host, forced.User, forced.Password, forced.PoolMode));
        Assert.Equal("db2", config.Databases["my-db"].Host);

        Assert.Equal((TestSecrets.Scram, PoolMode.Session, 4), (config.Users["alice"].Secret, config.Users["alice"].PoolMode, config.Users["alice"].MaxUserConnections));
        Assert.Equal(TestSecrets.Md5, config.Users["bob"].Secret);
        Assert.Equal(TestSecrets.Plaintext, config.Users["carol \"the quote\""].Secret);
    }

    [Fact]
    public void Unimplemented_pgbouncer_setting_gives_a_warning_naming_it_and_the_line()
    {
        var ini = WriteIni("logfile = /var/log/pgbouncer.log\ntcp_keepalive = 1");

        var warnings = ConfigLoader.Load(ini).Warnings;

        Assert.Contains("pgbouncer.ini line 7: setting 'logfile' is not implemented by PoolGuard yet; ignored", warnings);
        Assert.Contains("pgbouncer.ini line 8: setting 'tcp_keepalive' is not implemented by PoolGuard yet; ignored", warnings);
    }

    [Fact]
    public void Unimplemented_database_and_user_keys_give_warnings()
    {
        var ini = _directory.Write("pgbouncer.ini", """
            [databases]
            app = host=db1 client_encoding=UTF8 connect_query='SELECT 1'
            * = host=db1
            [users]
            alice = pool_mode=session query_timeout=5
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_type = trust
            """);

        var warnings = ConfigLoader.Load(ini).Warnings;

        Assert.Contains("pgbouncer.ini line 2: database app: setting 'client_encoding' is not implemented by PoolGuard yet; ignored", warnings);
        Assert.Contains("pgbouncer.ini line 2: database app: setting 'connect_query' is not implemented by PoolGuard yet; ignored", warnings);
        Assert.DoesNotContain(warnings, w => w.Contains("line 3", StringComparison.Ordinal)); // the fallback is implemented
        Assert.Contains("pgbouncer.ini line 5: user alice: setting 'query_timeout' is not implemented by PoolGuard yet; ignored", warnings);
    }

    [Fact]
    public void A_config_with_only_the_fallback_database_is_valid_and_serves_any_name()
    {
        var ini = _directory.Write("pgbouncer.ini", """
            [databases]
            * = host=db1 port=5433
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_type = trust
            """);

        var config = ConfigLoader.Load(ini).Config;

        var shop = config.FindDatabase("shop");
        Assert.NotNull(shop);
        Assert.Equal(("shop", "db1", 5433, "shop"), (shop.Name, shop.Host, shop.Port, shop.ServerDatabase));
        Assert.Null(config.FindDatabase("*")?.DbName);
    }

    [Fact]
    public void Unknown_ini_key_is_an_error_naming_file_and_line_with_a_suggestion()
    {
        var ini = WriteIni("max_clinet_conn = 10\nfrobnicate = yes");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors;

        Assert.Equal(
            [
                new ConfigError(ini, "line 7", "unknown setting 'max_clinet_conn'; did you mean 'max_client_conn'?"),
                new ConfigError(ini, "line 8", "unknown setting 'frobnicate'"),
            ],
            errors);
    }

    [Fact]
    public void Malformed_ini_line_is_an_error_naming_file_and_line_without_repeating_the_line()
    {
        var ini = WriteIni("this is not a setting hunter2");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors);

        Assert.Equal((ini, "line 7"), (error.File, error.Location));
        Assert.Equal("expected 'key = value', a '[section]' header or a comment", error.Reason);
    }

    [Fact]
    public void Unparsable_database_entry_names_the_key_but_never_the_password()
    {
        var ini = _directory.Write("pgbouncer.ini", """
            [databases]
            app = host=db1 password='hunter2
            other = host=db1 password=hunter2 xyzzy
            [pgbouncer]
            listen_addr = 127.0.0.1
            auth_type = trust
            """);

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ini)).Errors;

        Assert.Contains(new ConfigError(ini, "line 2", "database app: the quoted value of 'password' has no closing single quote"), errors);
        Assert.Contains(errors, e => e.Location == "line 3" && e.Reason.Contains("after the value of 'password'", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.ToString().Contains("hunter2", StringComparison.Ordinal) || e.ToString().Contains("xyzzy", StringComparison.Ordinal));
    }

    [Fact]
    public void Wildcard_listen_addr_listens_everywhere_with_a_warning()
    {
        var ini = _directory.Write("pgbouncer.ini", "[pgbouncer]\nlisten_addr = *\nauth_type = trust\n[databases]\napp = host=db1\n");

        var result = ConfigLoader.Load(ini);

        Assert.Equal("0.0.0.0", result.Config.ListenAddress);
        Assert.Contains(result.Warnings, w => w.StartsWith("pgbouncer.ini line 2: listen_addr 0.0.0.0 listens on every network interface, which exposes the gateway", StringComparison.Ordinal));
    }

    [Fact]
    public void Include_directive_reads_the_other_file_and_reports_its_own_lines()
    {
        var extra = _directory.Write("conf.d/extra.ini", "max_client_conn = 250\nnot_a_setting = 1\n");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(WriteIni("%include conf.d/extra.ini"))).Errors;

        Assert.Equal([new ConfigError(extra, "line 2", "unknown setting 'not_a_setting'")], errors);
    }

    [Fact]
    public void Setting_written_twice_warns_and_the_later_line_wins()
    {
        var result = ConfigLoader.Load(WriteIni("listen_port = 7000"));

        Assert.Equal(7000, result.Config.ListenPort);
        Assert.Contains("pgbouncer.ini line 7: listen_port is set again (first at line 6); this line wins, as in PgBouncer", result.Warnings);
    }

    [Fact]
    public void Include_cycle_is_an_error_instead_of_a_hang()
    {
        var loop = _directory.Write("loop.ini", "%include loop.ini\n");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(WriteIni("%include loop.ini"))).Errors;

        Assert.Contains(errors, e => e.File == loop && e.Reason.Contains("nested deeper than 10", StringComparison.Ordinal));
    }

    private string WriteIni(string extra) => _directory.Write("pgbouncer.ini", ConfigSamples.TrustIni(extra));
}
