Feature: Password reset
  Someone who forgot her password asks for a reset link by email. The link works once, for 30
  minutes, and choosing a new password signs her out everywhere. Asking never reveals whether
  an address has an account.

  Background:
    Given a verified customer "ana@example.com" with password "Secret123"

  Scenario: Asking for a reset sends a reset link
    When "ana@example.com" asks to reset her password
    Then the request succeeds
    And an email "Reset your password" is sent to "ana@example.com"

  Scenario: Asking for a reset for an unknown address reveals nothing
    When "nobody@example.com" asks to reset their password
    Then the request succeeds
    And no email is sent to "nobody@example.com"

  Scenario: She chooses a new password with the link
    Given "ana@example.com" has asked to reset her password
    When she resets her password to "NewSecret456" with the link from her email
    Then the request succeeds
    And "ana@example.com" can log in with password "NewSecret456"
    And "ana@example.com" can no longer log in with password "Secret123"

  Scenario: A reset link works only once
    Given "ana@example.com" has asked to reset her password
    And she has reset her password to "NewSecret456" with the link from her email
    When she resets her password to "Another789" with the link from her email
    Then the request is refused as invalid with a problem on "token"
    And "ana@example.com" can log in with password "NewSecret456"

  Scenario: A reset link still works just before 30 minutes
    Given "ana@example.com" has asked to reset her password
    And 29 minutes pass
    When she resets her password to "NewSecret456" with the link from her email
    Then the request succeeds

  Scenario: A reset link expires after 30 minutes
    Given "ana@example.com" has asked to reset her password
    And 31 minutes pass
    When she resets her password to "NewSecret456" with the link from her email
    Then the request is refused as invalid with a problem on "token"
    And "ana@example.com" can log in with password "Secret123"

  Scenario: An unknown reset link is refused
    When someone resets a password with the token "made-up-token" and the new password "NewSecret456"
    Then the request is refused as invalid with a problem on "token"

  Scenario: Resetting the password signs her out everywhere
    Given she is signed in
    And she is also signed in on another device
    And "ana@example.com" has asked to reset her password
    When she resets her password to "NewSecret456" with the link from her email
    Then the request succeeds
    And her session is ended
    And her session on another device is ended

  Scenario Outline: The new password must follow the password policy
    Given "ana@example.com" has asked to reset her password
    When she resets her password to "<password>" with the link from her email
    Then the request is refused as invalid with a problem on "password"
    And "ana@example.com" can log in with password "Secret123"

    Examples:
      | password        |
      | Sh0rtPw         |
      | newsecret456    |
      | NEWSECRET456    |
      | NewSecretPass   |

  Scenario: At most three reset emails are sent per hour, however often one asks
    Given a verified customer "bob@example.com"
    When "bob@example.com" asks to reset her password
    And "bob@example.com" asks to reset her password
    And "bob@example.com" asks to reset her password
    And "bob@example.com" asks to reset her password
    Then the request succeeds
    And 3 emails "Reset your password" have been sent to "bob@example.com"

  Scenario: Reset emails can be asked for again an hour later
    Given a verified customer "bob@example.com"
    And "bob@example.com" has asked to reset her password
    And "bob@example.com" has asked to reset her password
    And "bob@example.com" has asked to reset her password
    And 1 hours pass
    When "bob@example.com" asks to reset her password
    Then 4 emails "Reset your password" have been sent to "bob@example.com"

  Scenario: A successful reset makes every other reset link useless
    Given a verified customer "carl@example.com"
    And "carl@example.com" has asked to reset her password
    And "carl@example.com" has asked to reset her password
    And she has reset her password to "NewSecret456" with the link from her email
    When she resets her password to "Other7890" with the link from her first reset email
    Then the request is refused as invalid with a problem on "token"
    And "carl@example.com" can log in with password "NewSecret456"
