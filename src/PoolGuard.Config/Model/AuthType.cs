namespace PoolGuard.Config.Model;

/// <summary>How clients prove who they are to PoolGuard.</summary>
public enum AuthType
{
    /// <summary>No password asked; only sensible on a trusted loopback.</summary>
    Trust,
    /// <summary>Cleartext password over the wire; only where explicitly configured.</summary>
    Plain,
    /// <summary>MD5 challenge (needs a plaintext or md5 secret).</summary>
    Md5,
    /// <summary>SCRAM-SHA-256 (needs a plaintext or SCRAM secret).</summary>
    ScramSha256,
}
