Feature: Profile
  A signed-in customer sees her own account, changes her display name and changes her
  password. Changing the password signs out her other devices.

  Background:
    Given a verified customer "ana@example.com" named "Ana" with password "Secret123"
    And she is signed in

  Scenario: She sees her own account
    When she views her profile
    Then the request succeeds
    And the returned account has the email "ana@example.com"
    And the returned account has the name "Ana"
    And the returned account has the role "customer"
    And the returned account is verified
    And the returned account reveals no password

  Scenario: Someone who is not signed in cannot see a profile
    When an anonymous visitor views the profile
    Then the request is refused as unauthorized

  Scenario: She changes her name
    When she changes her name to "Ana Lima"
    Then the request succeeds
    And the returned account has the name "Ana Lima"

  Scenario: The new name is kept
    Given she has changed her name to "Ana Lima"
    When she views her profile
    Then the returned account has the name "Ana Lima"

  Scenario: A name longer than 100 characters is refused
    When she changes her name to a name of 101 characters
    Then the request is refused as invalid with a problem on "name"

  Scenario: A name of 100 characters is accepted
    When she changes her name to a name of 100 characters
    Then the request succeeds

  Scenario: Someone who is not signed in cannot change a name
    When an anonymous visitor changes the name to "Mallory"
    Then the request is refused as unauthorized

  Scenario: She changes her password
    When she changes her password from "Secret123" to "NewSecret456"
    Then the request succeeds
    And "ana@example.com" can log in with password "NewSecret456"
    And "ana@example.com" can no longer log in with password "Secret123"

  Scenario: The current password must be given correctly
    When she changes her password from "Wrong1234" to "NewSecret456"
    Then the request is refused as unauthorized
    And "ana@example.com" can log in with password "Secret123"

  Scenario: Changing the password signs out her other devices but not this one
    Given she is also signed in on another device
    When she changes her password from "Secret123" to "NewSecret456"
    Then the request succeeds
    And her session on another device is ended
    And her session is still active

  Scenario Outline: The new password must follow the password policy
    When she changes her password from "Secret123" to "<password>"
    Then the request is refused as invalid with a problem on "new password"
    And "ana@example.com" can log in with password "Secret123"

    Examples:
      | password      |
      | Sh0rtPw       |
      | newsecret456  |
      | NEWSECRET456  |
      | NewSecretPass |

  Scenario: Someone who is not signed in cannot change a password
    When an anonymous visitor changes the password from "Secret123" to "NewSecret456"
    Then the request is refused as unauthorized

  Scenario: After five wrong current passwords, changing the password is rate limited
    When she changes her password from "Wrong1234" to "NewSecret456"
    And she changes her password from "Wrong1234" to "NewSecret456"
    And she changes her password from "Wrong1234" to "NewSecret456"
    And she changes her password from "Wrong1234" to "NewSecret456"
    And she changes her password from "Wrong1234" to "NewSecret456"
    And she changes her password from "Secret123" to "NewSecret456"
    Then the request is refused as rate limited
    And "ana@example.com" can log in with password "Secret123"
