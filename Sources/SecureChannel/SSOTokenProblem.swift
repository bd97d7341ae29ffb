/// What was wrong with an encrypted external-browser SSO token (SecureChannelError.ssoToken).
public enum SSOTokenProblem: String, Sendable, Equatable {
    case gatewayKey = "the gateway's key in it is not a P-256 public key"
    case keyAgreement = "the key agreement with the gateway's key failed"
    case authentication = "it failed authentication (altered on the way, or meant for another login attempt)"
    case notAlphanumeric = "it decrypted to something that is not an alphanumeric token"
}
