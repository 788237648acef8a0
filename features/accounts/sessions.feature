Feature: Sessions
  A login gives a short-lived access token and a refresh token. Each refresh token can be
  traded once for a new pair; showing a spent one again looks like theft, so that whole login
  is ended. Logging out ends one login and leaves the others.

  Background:
    Given a verified customer "ana@example.com" with password "Secret123"
    And she is signed in

  Scenario: Refreshing the session hands out a new refresh token
    When she refreshes her session
    Then the request succeeds
    And she receives a new refresh token
    And she is signed in as "ana@example.com"

  Scenario: A refresh token can be traded only once
    Given she has refreshed her session
    When she refreshes her session with her previous refresh token
    Then the request is refused as unauthorized

  Scenario: Showing a spent refresh token again ends that login
    Given she has refreshed her session
    When she refreshes her session with her previous refresh token
    Then the request is refused as unauthorized
    And her session is ended

  Scenario: Ending a login for a spent refresh token leaves her other devices signed in
    Given she is also signed in on another device
    And she has refreshed her session
    When she refreshes her session with her previous refresh token
    Then her session is ended
    And her session on another device is still active

  Scenario: An unknown refresh token is refused
    When someone refreshes a session with the token "made-up-token"
    Then the request is refused as unauthorized

  Scenario: A refresh token expires after 7 days
    Given 8 days pass
    When she refreshes her session
    Then the request is refused as unauthorized

  Scenario: A refresh token still works after 6 days
    Given 6 days pass
    When she refreshes her session
    Then the request succeeds

  Scenario: An access token expires after 15 minutes
    Given 16 minutes pass
    When she views her profile
    Then the request is refused as unauthorized

  Scenario: An expired access token is replaced by refreshing the session
    Given 16 minutes pass
    When she refreshes her session
    Then the request succeeds
    And she is signed in as "ana@example.com"

  Scenario: Logging out ends the session
    When she logs out
    Then the request succeeds
    And her session is ended

  Scenario: Logging out on one device leaves the other devices signed in
    Given she is also signed in on another device
    When she logs out
    Then the request succeeds
    And her session is ended
    And her session on another device is still active
