using System.Globalization;
using System.Text;
using PoolGuard.Config.Capacity;

namespace PoolGuard.Checks.Templates;

/// <summary>An application that will connect through the gateway, and how many instances of it run.</summary>
public sealed record StarterApp(string Name, int Replicas);

/// <summary>What `poolguard init` is asked for.</summary>
public sealed record StarterRequest(ConnectionBudget Budget, IReadOnlyList<StarterApp> Apps)
{
    public int Gateways { get; init; } = 1;

    /// <summary>poolguard (poolguard.json) or pgbouncer (pgbouncer.ini): the same limits in either's words.</summary>
    public string GatewayKind { get; init; } = "poolguard";

    public string DatabaseHost { get; init; } = "127.0.0.1";
    public int DatabasePort { get; init; } = 5432;
    public string DatabaseName { get; init; } = "app";
}

/// <summary>The numbers behind the templates, for the summary `init` prints and for the files' comments.</summary>
public sealed record StarterSizing(int Usable, int ServerConnectionsPerGateway, int ClientPoolPerInstance, int Instances, int MaxClientConnPerGateway);

/// <summary>
/// `poolguard init`: safe starting configurations that pass `poolguard check`. The database's usable connections
/// are split evenly over the gateway instances (max_server_connections / max_db_connections), so together they can
/// never open more than it has; each application instance gets the same share as its client pool (Maximum Pool
/// Size = usable ÷ all instances), so the applications stay within capacity even if one bypasses the gateway; the
/// gateways accept every client the pools can open, with 20 % headroom, and queue them for at most 30 s.
/// </summary>
public static class StarterTemplates
{
    public const int ListenPort = 6432;
    public const int QueueWaitSeconds = 30;
    public const int ClientTimeoutSeconds = 15;

    public static StarterSizing Size(StarterRequest request)
    {
        var usable = request.Budget.Usable;
        var instances = request.Apps.Sum(a => a.Replicas);
        if (usable < request.Gateways)
        {
            throw new ArgumentException($"{request.Budget}: fewer usable connections than gateway instances ({request.Gateways})");
        }
        if (usable < instances)
        {
            throw new ArgumentException($"{request.Budget}: fewer usable connections than application instances ({instances}); not even one each");
        }
        var perInstance = usable / instances;
        var clients = (int)Math.Ceiling(instances * perInstance * 1.2 / request.Gateways);
        return new StarterSizing(usable, usable / request.Gateways, perInstance, instances, clients);
    }

    /// <summary>Relative path → contents.</summary>
    public static IReadOnlyDictionary<string, string> Files(StarterRequest request)
    {
        var sizing = Size(request);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [".poolguard-check.yml"] = CheckSettings(request, sizing),
        };
        if (request.GatewayKind == "pgbouncer")
        {
            files["pgbouncer/pgbouncer.ini"] = PgBouncerIni(request, sizing);
        }
        else
        {
            files["poolguard/poolguard.json"] = PoolGuardJson(request, sizing);
        }
        foreach (var app in request.Apps)
        {
            files[$"{app.Name}/appsettings.json"] = AppSettings(request, sizing, app);
            files[$"{app.Name}/.env"] = DotEnv(request, sizing, app);
        }
        return files;
    }

    private static string Why(StarterRequest request, StarterSizing sizing) =>
        $"{request.Budget}; {sizing.ServerConnectionsPerGateway} per gateway × {request.Gateways} gateway(s)";

    private static string PoolGuardJson(StarterRequest request, StarterSizing sizing) => I($$"""
        // Written by `poolguard init`. The database: {{Why(request, sizing)}}.
        // Check it with `poolguard check .` after every change.
        {
          "PoolGuard": {
            // Loopback only: set the address the applications reach it on (e.g. "0.0.0.0") when they run elsewhere.
            "ListenAddress": "127.0.0.1",
            "ListenPort": {{ListenPort}},
            "PoolMode": "transaction",
            "AuthType": "scram-sha-256",
            "AuthFile": "userlist.txt",
            // The hard cap: {{request.Gateways}} instance(s) × {{sizing.ServerConnectionsPerGateway}} ≤ {{sizing.Usable}} usable, whatever the applications ask for.
            "MaxServerConnections": {{sizing.ServerConnectionsPerGateway}},
            "MaxDbConnections": {{sizing.ServerConnectionsPerGateway}},
            "DefaultPoolSize": {{sizing.ServerConnectionsPerGateway}},
            // Every client the applications' pools can open ({{sizing.Instances}} instance(s) × {{sizing.ClientPoolPerInstance}}), over the gateways, + 20 %.
            "MaxClientConn": {{sizing.MaxClientConnPerGateway}},
            // A bounded queue that fails fast: past it, or after the wait, a client gets a clear error instead of hanging.
            "MaxWaitingClients": {{sizing.MaxClientConnPerGateway}},
            "QueryWaitTimeout": "{{QueueWaitSeconds}}s",
            "Databases": {
              "{{request.DatabaseName}}": { "Host": "{{request.DatabaseHost}}", "Port": {{request.DatabasePort}} }
            }
          }
        }

        """);

    private static string PgBouncerIni(StarterRequest request, StarterSizing sizing) => I($"""
        ; Written by `poolguard init`. The database: {Why(request, sizing)}.
        ; Check it with `poolguard check .` after every change (PoolGuard runs this file as it is, too).
        [databases]
        {request.DatabaseName} = host={request.DatabaseHost} port={request.DatabasePort} dbname={request.DatabaseName}

        [pgbouncer]
        ; Loopback only: set the address the applications reach it on when they run elsewhere.
        listen_addr = 127.0.0.1
        listen_port = {ListenPort}
        pool_mode = transaction
        auth_type = scram-sha-256
        auth_file = userlist.txt
        ; The hard cap: {request.Gateways} instance(s) × {sizing.ServerConnectionsPerGateway} ≤ {sizing.Usable} usable. Never 0: since PgBouncer 1.24 a pool size of 0 means no limit.
        default_pool_size = {sizing.ServerConnectionsPerGateway}
        max_db_connections = {sizing.ServerConnectionsPerGateway}
        ; Every client the applications' pools can open ({sizing.Instances} instance(s) × {sizing.ClientPoolPerInstance}), over the gateways, + 20 %.
        max_client_conn = {sizing.MaxClientConnPerGateway}
        ; Fail fast: a client that waits this long for a server gets an error instead of hanging.
        query_wait_timeout = {QueueWaitSeconds}

        """);

    private static string AppSettings(StarterRequest request, StarterSizing sizing, StarterApp app) => I($$"""
        // Written by `poolguard init` for {{app.Name}} ({{app.Replicas}} instance(s)).
        // Maximum Pool Size {{sizing.ClientPoolPerInstance}} = {{sizing.Usable}} usable ÷ {{sizing.Instances}} application instance(s): within capacity even without the gateway.
        // Timeout {{ClientTimeoutSeconds}} s: a request that cannot get a connection fails instead of queueing behind the surge.
        {
          "ConnectionStrings": {
            "Main": "{{ConnectionString(request, sizing, app)}}"
          }
        }

        """);

    private static string DotEnv(StarterRequest request, StarterSizing sizing, StarterApp app) => I($"""
        # Written by `poolguard init` for {app.Name}: the same limits as appsettings.json, for containers and other stacks.
        ConnectionStrings__Main="{ConnectionString(request, sizing, app)}"
        # HikariCP (Spring Boot): SPRING_DATASOURCE_URL=jdbc:postgresql://{Gateway(request)}:{ListenPort}/{request.DatabaseName}
        #   SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE={sizing.ClientPoolPerInstance} SPRING_DATASOURCE_HIKARI_CONNECTIONTIMEOUT={ClientTimeoutSeconds * 1000}
        # SQLAlchemy: create_engine(url, pool_size={sizing.ClientPoolPerInstance}, max_overflow=0, pool_timeout={ClientTimeoutSeconds})

        """);

    private static string CheckSettings(StarterRequest request, StarterSizing sizing)
    {
        var text = new StringBuilder(I($"""
            # Written by `poolguard init`: what `poolguard check` cannot read from the files.
            max_connections: {request.Budget.MaxConnections}
            superuser_reserved_connections: {request.Budget.SuperuserReservedConnections}
            reserve: {request.Budget.Reserve}
            gateways:
              {Gateway(request)}:
                instances: {request.Gateways}
            applications:

            """));
        foreach (var app in request.Apps)
        {
            text.Append(I($"  {app.Name}:\n    replicas: {app.Replicas}\n"));
        }
        return text.ToString();
    }

    private static string ConnectionString(StarterRequest request, StarterSizing sizing, StarterApp app) =>
        I($"Host={Gateway(request)};Port={ListenPort};Database={request.DatabaseName};Username={app.Name};Maximum Pool Size={sizing.ClientPoolPerInstance};Timeout={ClientTimeoutSeconds}");

    /// <summary>The gateway's host name as the applications use it: its folder's name, as its Kubernetes Service would be called.</summary>
    private static string Gateway(StarterRequest request) => request.GatewayKind == "pgbouncer" ? "pgbouncer" : "poolguard";

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
