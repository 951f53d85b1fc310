namespace PoolGuard.Config.PgBouncer;

/// <summary>One <c>key = value</c> line of a pgbouncer.ini (or a file it includes), with where it was written.</summary>
/// <param name="Section">The lower-case section name: "pgbouncer", "databases", "users" or "peers".</param>
internal sealed record IniEntry(string File, int Line, string Section, string Key, string Value)
{
    public string Location => $"line {Line}";

    // The value of a [databases] line can hold a password, so it never appears in logs via ToString.
    public override string ToString() => $"IniEntry {{ File = {File}, Line = {Line}, Section = {Section}, Key = {Key} }}";
}
