using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Store;

/// <summary>One line of `incident list`: enough to choose a record without reading it whole.</summary>
public sealed record IncidentSummary(string Id, string Title, string Severity, IncidentStatus Status, DateTimeOffset? StartedAt);

/// <summary>Where incident records are kept (SQLite by default; PostgreSQL for teams comes with its own implementation).</summary>
public interface IIncidentStore
{
    /// <summary>Where it is, for messages: the file, or host:port/database.</summary>
    string Location { get; }

    /// <summary>Adds the record, or replaces the one with its id.</summary>
    Task SaveAsync(Incident incident, CancellationToken cancellationToken);

    Task<Incident?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every record, the most recent incident first.</summary>
    Task<IReadOnlyList<IncidentSummary>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>A store that cannot be opened or read: its location and why.</summary>
public sealed class IncidentStoreException(string message, Exception? inner = null) : Exception(message, inner);
