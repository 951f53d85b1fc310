namespace PoolGuard.Config.Auth;

/// <summary>One user line of an auth_file: the user, their secret (null when the file gives an empty one) and the line.</summary>
internal sealed record AuthFileEntry(string User, string? Secret, int Line)
{
    public override string ToString() => $"AuthFileEntry {{ User = {User}, Secret = {(Secret is null ? "none" : "***")}, Line = {Line} }}";
}
