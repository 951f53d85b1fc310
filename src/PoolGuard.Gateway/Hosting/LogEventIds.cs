namespace PoolGuard.Gateway.Hosting;

/// <summary>
/// Every log event id PoolGuard writes, in one table, so an operator can filter or alert on a number
/// (`[6]` in a text line, `"EventId":6` in JSON) that stays the same across releases. Ranges: 1–99 the
/// gateway, 100–149 the process host, 150–199 monitoring. An id is never reused for another meaning; a retired one stays
/// listed as retired. A unit test checks that every [LoggerMessage] uses an id from here, once.
/// </summary>
public static class LogEventIds
{
    // The gateway (PoolGuard.Gateway.Hosting.GatewayLog).
    public const int Listening = 1;
    public const int LoginRefused = 2;
    public const int ServerLoginFailed = 3;
    public const int ClientProtocolViolation = 4;
    public const int ServerLost = 5;
    public const int ClientConnLimit = 6;
    public const int SessionFailed = 7;
    public const int Stopped = 8;
    public const int MinPoolConnectFailed = 9;
    public const int SessionsStillOpen = 10;
    // 11: retired (the warning that transaction pooling ran as session pooling, before it was built).
    public const int ClientTimedOut = 12;
    public const int ClientLeftServerWaiting = 13;
    public const int SessionsStillInTransaction = 20;
    public const int EventFileFailed = 21;
    public const int Reloaded = 22;
    public const int ReloadFailed = 23;
    public const int ClientTlsFailed = 40;

    // The process host (`poolguard run`: PoolGuard.Hosting.HostLog).
    public const int ConfigWarning = 100;
    public const int CannotStart = 101;
    public const int AdminHttpListening = 102;
    public const int Running = 103;
    public const int ShuttingDown = 104;
    public const int ReloadRequested = 105;
    public const int ReloadCrashed = 106;
    public const int ConfigWatchUnavailable = 107;

    // Monitoring (PoolGuard.Monitoring): the database watcher (WatcherLog).
    public const int WatchingDatabases = 150;
    public const int DatabaseNotWatched = 151;
    public const int WatchedDatabaseDown = 152;
    public const int WatchedDatabaseUp = 153;

    // Monitoring: the alert engine (AlertLog).
    public const int AlertFiring = 154;
    public const int AlertResolved = 155;
    public const int AlertRulesInForce = 156;
    public const int AlertListenerFailed = 157;

    // Monitoring: the alert notifiers (NotifyLog).
    public const int NotificationFailed = 158;
    public const int NotificationRecovered = 159;
    public const int NotificationDropped = 160;
}
