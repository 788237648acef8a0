Feature: Email verification
  A new account proves its email address by opening the link sent to it. The link works once,
  for 24 hours, and a new one can be asked for without revealing which addresses have accounts.

  Background:
    Given "ana@example.com" has registered with password "Secret123"

  Scenario: Opening the link confirms the email address
    When she opens the verification link from her email
    Then the request succeeds
    And the returned account has the email "ana@example.com"
    And the returned account is verified
    And "ana@example.com" can log in with password "Secret123"

  Scenario: A verification link works only once
    Given she has opened the verification link from her email
    When she opens the verification link from her email again
    Then the request is refused as invalid with a problem on "token"

  Scenario: A verification link still works just before 24 hours
    Given 23 hours pass
    When she opens the verification link from her email
    Then the request succeeds

  Scenario: A verification link expires after 24 hours
    Given 25 hours pass
    When she opens the verification link from her email
    Then the request is refused as invalid with a problem on "token"

  Scenario: An unknown verification link is refused
    When someone opens a verification link with the token "made-up-token"
    Then the request is refused as invalid with a problem on "token"

  Scenario: She can ask for a new verification email
    When "ana@example.com" asks for a new verification email
    Then the request succeeds
    And 2 emails "Confirm your email address" have been sent to "ana@example.com"

  Scenario: The new verification link works after the first one expired
    Given 25 hours pass
    And "ana@example.com" has asked for a new verification email
    When she opens the verification link from her email
    Then the request succeeds
    And the returned account is verified

  Scenario: Asking for a verification email for an unknown address reveals nothing
    When "nobody@example.com" asks for a new verification email
    Then the request succeeds
    And no email is sent to "nobody@example.com"

  Scenario: A verified account is not sent another verification email
    Given she has opened the verification link from her email
    When "ana@example.com" asks for a new verification email
    Then the request succeeds
    And 1 email "Confirm your email address" has been sent to "ana@example.com"

  Scenario: At most three new verification emails are sent per hour
    When "ana@example.com" asks for a new verification email
    And "ana@example.com" asks for a new verification email
    And "ana@example.com" asks for a new verification email
    And "ana@example.com" asks for a new verification email
    Then the request succeeds
    And 4 emails "Confirm your email address" have been sent to "ana@example.com"
