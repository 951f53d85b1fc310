namespace PoolGuard.Incidents.Markdown;

/// <summary>Something of a document the import did not read, or read with a guess: where (1-based line), what, and why.</summary>
public sealed record ImportProblem(int Line, string Text, string Reason);

/// <summary>The record an import built and what it skipped: a document it cannot fully read is never a crash, never silent loss.</summary>
public sealed record ImportResult(Model.Incident Incident, IReadOnlyList<ImportProblem> Problems, string Layout);

/// <summary>A document that cannot become a record at all (no timeline, no date to put its times on).</summary>
public sealed class IncidentImportException(string message) : Exception(message);
