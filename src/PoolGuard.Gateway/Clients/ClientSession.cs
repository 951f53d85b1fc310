using PoolGuard.Config.Model;
using PoolGuard.Gateway.Admin;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Relay;
using PoolGuard.Gateway.Servers;
using PoolGuard.Gateway.Transactions;
using PoolGuard.Gateway.Transport;
using PoolGuard.Protocol.Errors;
using PoolGuard.Protocol.Startup;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// One client from first byte to close: the startup packet and authentication, then the mode
/// dispatch — the admin console, <see cref="SessionRelay"/> for session pooling,
/// <see cref="TransactionRelay"/> for transaction and statement pooling. Every way out sends the
/// client a proper ErrorResponse when it is still there to read one, and closes any server a
/// failure path left held.
/// </summary>
internal sealed class ClientSession
{
    private readonly GatewayContext _gateway;
    private readonly ClientConnection _client;
    private readonly SessionEnding _ending;
    private readonly ServerLease _lease;

    public ClientSession(GatewayContext gateway, ClientConnection client)
    {
        _gateway = gateway;
        _client = client;
        _ending = new SessionEnding(gateway, client);
        _lease = new ServerLease(gateway, client, _ending);
    }

    public async Task RunAsync()
    {
        _client.ConnectedAt = _gateway.Time.GetTimestamp();
        _gateway.Registry.Add(_client);
        try
        {
            var login = await LogInAsync().ConfigureAwait(false);
            if (login is null)
            {
                return;
            }
            if (login.Value.Console != ConsoleAccess.None)
            {
                await new ConsoleSession(_gateway, _client, login.Value.Console).RunAsync().ConfigureAwait(false);
                return;
            }
            var pool = login.Value.Pool!;
            if (pool.Mode == PoolMode.Session)
            {
                await new SessionRelay(_gateway, _client, _lease, _ending).RunAsync(pool, login.Value.Parameters).ConfigureAwait(false);
            }
            else
            {
                await new TransactionRelay(_gateway, _client, _lease, _ending, pool).RunAsync(login.Value.Parameters).ConfigureAwait(false);
            }
        }
        catch (ClientLoginException ex)
        {
            _gateway.Logger.LoginRefused(_client.ToString(), ex.Error.Code, ex.Error.Message);
            await TrySendErrorAsync(ex.Error).ConfigureAwait(false);
        }
        catch (PoolRefusedException ex)
        {
            await TrySendErrorAsync(ex.Error).ConfigureAwait(false);
        }
        catch (ServerLoginException ex)
        {
            await TrySendErrorAsync(ex.Error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_client.ShutdownToken.IsCancellationRequested)
        {
            await TrySendErrorAsync(_client.ShutdownReason ?? SessionEnding.ShuttingDown).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            // The TLS handshake failed (the client does not trust our certificate, or has none we trust):
            // there is no channel left to send an error on, so the log is where it shows.
            _gateway.Logger.ClientTlsFailed(_client.ToString(), ex.Message);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away (or stalled past client_login_timeout); nothing left to tell it.
        }
        catch (Exception ex)
        {
            _gateway.Logger.SessionFailed(ex, _client.ToString());
            await TrySendErrorAsync(PgError.Fatal(SqlState.InternalError, "internal error in PoolGuard; see its log")).ConfigureAwait(false);
        }
        finally
        {
            _lease.CloseLeftover();
            _gateway.Cancels.Unregister(_client);
            if (_client.Pool is { } pool)
            {
                _gateway.Pools.SetClientState(pool, _client.Slot, ClientState.Closed);
            }
            _client.Transport.Close();
            _gateway.Registry.Remove(_client);
        }
    }

    /// <summary>A logged-in client: its pool and settings, or (Pool null) its rights on the admin console.</summary>
    private readonly record struct Login(Pool? Pool, IReadOnlyList<KeyValuePair<string, string>> Parameters, ConsoleAccess Console = ConsoleAccess.None);

    /// <summary>Startup packet and authentication, all within client_login_timeout.</summary>
    private async Task<Login?> LogInAsync()
    {
        var config = _gateway.Config;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_client.ShutdownToken);
        if (config.ClientLoginTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(config.ClientLoginTimeout);
        }

        try
        {
            return await LogInAsync(config, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_client.ShutdownToken.IsCancellationRequested)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation,
                $"client_login_timeout: login not completed within {config.ClientLoginTimeout.TotalSeconds:0.###} s"));
        }
    }

    private async Task<Login?> LogInAsync(PoolGuard.Config.Model.PoolGuardConfig config, CancellationToken cancellationToken)
    {
        var startup = await StartupReader.ReadAsync(_client.Transport, _gateway.Tls, cancellationToken).ConfigureAwait(false);
        if (startup is null)
        {
            return null;
        }
        if (startup.Kind == StartupKind.Cancel)
        {
            await _gateway.Cancels.CancelAsync(startup.CancelProcessId, startup.CancelSecretKey, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (startup.MinorVersion > 0 || startup.ProtocolOptions.Count > 0)
        {
            // What PostgreSQL does for a newer client (libpq 18 asking for 3.2): say we speak 3.0 and
            // which _pq_ options we ignored, then carry on with the login.
            await MessageIO.SendAsync(_client.Transport, w => Protocol.Messages.MessageWriter.WriteNegotiateProtocolVersion(
                w, StartupCodes.ProtocolVersion3, startup.ProtocolOptions), cancellationToken).ConfigureAwait(false);
        }

        var user = startup.Get("user");
        if (string.IsNullOrEmpty(user))
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet"));
        }
        var databaseName = startup.Get("database") is { Length: > 0 } db ? db : user;
        _client.User = user;
        _client.Database = databaseName;
        var parameters = CheckParameters(startup, config.IgnoreStartupParameters);

        _client.ApplicationName = startup.Get("application_name") ?? "";
        var outcome = await _gateway.Authenticator.AuthenticateAsync(_client.Transport, config.AuthType, user, config.Users, cancellationToken).ConfigureAwait(false);

        if (ConsoleDatabases.IsConsole(databaseName))
        {
            // The console: authenticated like any client, then admitted by admin_users / stats_users alone.
            var access = ConsoleAccessRules.For(config, user);
            if (access == ConsoleAccess.None)
            {
                throw new ClientLoginException(PgError.Fatal(SqlState.InsufficientPrivilege,
                    $"not allowed on the admin console: user \"{user}\" is in neither admin_users nor stats_users",
                    "add the user to admin_users (every command) or stats_users (SHOW commands only)"));
            }
            _client.IsConsole = true;
            return new Login(null, parameters, access);
        }

        // Checked after authentication, as PostgreSQL does, so only a proven user learns which databases exist.
        if (config.FindDatabase(databaseName) is not { } database)
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.InvalidCatalogName, $"database \"{databaseName}\" does not exist",
                "the database must have an entry in PoolGuard's configuration (Databases / [databases]), or a fallback entry \"*\""));
        }

        if (_gateway.DisabledDatabases.ContainsKey(databaseName))
        {
            throw new ClientLoginException(PgError.Fatal(SqlState.CannotConnectNow, $"database \"{databaseName}\" is disabled: it accepts no new connections",
                "an administrator ran DISABLE on the admin console; ENABLE lets clients in again"));
        }

        var pool = _gateway.Pools.GetOrCreate(new PoolKey(databaseName, user), database, outcome.User);
        if (outcome.ScramClientKey is { } key)
        {
            pool.ScramClientKey = key;
        }
        _client.Pool = pool;
        pool.Stats.AddClientConnect();
        _gateway.Cancels.Register(_client);
        return new Login(pool, parameters);
    }

    /// <summary>
    /// The settings the client's startup packet asks for, to be applied on every server it uses:
    /// parameters that name a setting, and the -c settings in <c>options</c>. Each value is tried on
    /// a real server the first time the pool meets it, so a setting PostgreSQL would refuse fails the
    /// login with PostgreSQL's own error. What cannot be a setting is refused, naming the parameter.
    /// </summary>
    private static List<KeyValuePair<string, string>> CheckParameters(StartupPacket startup, IReadOnlyList<string> ignored)
    {
        var applied = new List<KeyValuePair<string, string>>();
        foreach (var parameter in startup.Parameters)
        {
            if (StartupParameters.IsIdentity(parameter.Key) || ignored.Contains(parameter.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            if (parameter.Key.Equals("options", StringComparison.OrdinalIgnoreCase))
            {
                var settings = StartupOptions.TryParse(parameter.Value, out var error)
                    ?? throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation, error!,
                        "pass settings only, or add options to ignore_startup_parameters if the client may do without them"));
                foreach (var setting in settings)
                {
                    applied.Add(Checked(setting));
                }
                continue;
            }
            applied.Add(Checked(parameter));
        }
        return applied;
    }

    private static KeyValuePair<string, string> Checked(KeyValuePair<string, string> setting) =>
        StartupParameters.RefusalFor(setting.Key) is { } reason
            ? throw new ClientLoginException(PgError.Fatal(SqlState.ProtocolViolation,
                $"unsupported startup parameter: {setting.Key} ({reason})",
                "add it to ignore_startup_parameters if the client may do without it"))
            : setting;

    private Task TrySendErrorAsync(PgError error) => _ending.TrySendErrorAsync(error);
}
