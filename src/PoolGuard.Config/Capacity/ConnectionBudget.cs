namespace PoolGuard.Config.Capacity;

/// <summary>
/// What a PostgreSQL server can give ordinary roles: <c>max_connections − superuser_reserved_connections −
/// reserve</c>, the reserve being slots kept back on purpose (replication, maintenance, a responder's psql).
/// The one formula `poolguard check` and the gateway's own checks share.
/// </summary>
public sealed record ConnectionBudget(int MaxConnections, int SuperuserReservedConnections = 3, int Reserve = 0)
{
    public int Usable => Math.Max(0, MaxConnections - SuperuserReservedConnections - Reserve);

    public override string ToString() =>
        $"{Usable} usable (max_connections {MaxConnections} − {SuperuserReservedConnections} superuser-reserved{(Reserve > 0 ? $" − {Reserve} kept in reserve" : "")})";
}
