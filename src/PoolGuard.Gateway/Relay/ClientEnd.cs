namespace PoolGuard.Gateway.Relay;

/// <summary>Why the client-to-server pump stopped.</summary>
internal enum ClientEnd
{
    /// <summary>The client sent Terminate.</summary>
    Terminated,
    /// <summary>The client closed its socket at a message boundary.</summary>
    Disconnected,
    /// <summary>The client closed its socket in the middle of a message.</summary>
    DisconnectedMidMessage,
    /// <summary>The client sent something that is not a valid message.</summary>
    ProtocolViolation,
    /// <summary>Writing to the server failed.</summary>
    ServerWriteFailed,
    /// <summary>Stopped on request.</summary>
    Stopped,
}

/// <summary>Why the server-to-client pump stopped.</summary>
internal enum ServerEnd
{
    /// <summary>The server closed the connection (terminated, crashed, restarted).</summary>
    Disconnected,
    /// <summary>The server sent bytes that do not frame as messages.</summary>
    ProtocolViolation,
    /// <summary>Writing to the client failed.</summary>
    ClientWriteFailed,
    /// <summary>Stopped on request.</summary>
    Stopped,
    /// <summary>Transaction pooling: the transaction ended and the server was given up.</summary>
    Released,
}
