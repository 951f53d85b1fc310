using PoolGuard.Config.Model;

namespace PoolGuard.Gateway.Tls;

/// <summary>
/// The gateway's TLS material, as one immutable <see cref="TlsContext"/> swapped atomically. A handshake
/// reads <see cref="Current"/> once when it starts and uses that snapshot throughout, so a reload never
/// mixes an old certificate with a new key; connections already encrypted keep the session they have.
/// </summary>
internal sealed class TlsCertificates(PoolGuardConfig config)
{
    private TlsContext _current = TlsContext.Load(config);

    public TlsContext Current => Volatile.Read(ref _current);

    /// <summary>
    /// Loads the files <paramref name="config"/> names and makes them what new handshakes use. If a file
    /// cannot be used this throws (<see cref="Config.Tls.TlsFileException"/>) and the previous material stays.
    /// </summary>
    public void Reload(PoolGuardConfig config) => Volatile.Write(ref _current, TlsContext.Load(config));
}
