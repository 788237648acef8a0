Feature: Registration
  Visitors open a customer account with their email address and a password. The account can
  be used once the owner proves the address is hers through the link we email her.

  Scenario: A visitor registers and is asked to confirm her email address
    When "ana@example.com" registers with password "Secret123" and name "Ana"
    Then the request succeeds
    And the returned account has the email "ana@example.com"
    And the returned account has the name "Ana"
    And the returned account has the role "customer"
    And the returned account has the tier "standard"
    And the returned account is not verified yet
    And the returned account reveals no password
    And an email "Confirm your email address" is sent to "ana@example.com"

  Scenario: The name is optional
    When "ana@example.com" registers with password "Secret123"
    Then the request succeeds
    And the returned account has the email "ana@example.com"

  Scenario: Email addresses are stored in lower case
    When "Ana@Example.COM" registers with password "Secret123"
    Then the request succeeds
    And the returned account has the email "ana@example.com"
    And an email "Confirm your email address" is sent to "ana@example.com"

  Scenario: An email address can be registered only once, whatever its case
    Given a verified customer "ana@example.com"
    When "ANA@example.com" registers with password "Other1234"
    Then the request is refused as a conflict
    And no email is sent to "ana@example.com"

  Scenario: A new account cannot be used before its email is confirmed
    Given "ana@example.com" has registered with password "Secret123"
    When "ana@example.com" logs in with password "Secret123"
    Then the request is refused as forbidden

  Scenario Outline: A malformed email address is refused
    When "<email>" registers with password "Secret123"
    Then the request is refused as invalid with a problem on "email"
    And no email is sent to "<email>"

    Examples:
      | email             |
      | not-an-email      |
      | ana@example       |
      | ana @example.com  |
      | @example.com      |

  Scenario Outline: Passwords must follow the password policy
    When "<email>" registers with password "<password>"
    Then the request is refused as invalid with a problem on "password"
    And no email is sent to "<email>"

    Examples:
      | email                | password             | rule                         |
      | ana@example.com      | Sh0rtPw              | at least 8 characters        |
      | ana@example.com      | secret123            | an uppercase letter          |
      | ana@example.com      | SECRET123            | a lowercase letter           |
      | ana@example.com      | SecretPassword       | a digit                      |
      | ana12345@example.com | Ana12345@Example.com | not the email address itself |

  Scenario: Passwords may not be longer than 128 characters
    When "ana@example.com" registers with a password of 129 characters
    Then the request is refused as invalid with a problem on "password"

  Scenario Outline: Passwords at the length limits are accepted
    When "ana@example.com" registers with a password of <length> characters
    Then the request succeeds

    Examples:
      | length |
      | 8      |
      | 128    |

  Scenario: An email address with a display name or angle brackets is refused
    When "x<attacker@evil.example>" registers with password "Secret123"
    Then the request is refused as invalid with a problem on "email"
    And no email is sent to "attacker@evil.example"
