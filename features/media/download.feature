Feature: Downloading files
  A file comes back as it was stored, under its original name. A download that was cut off
  can be resumed from where it stopped, and a copy that is still current is not sent again.

  Background:
    Given a verified customer "ana@example.com"
    And she is signed in
    And she has uploaded a PDF "terms.pdf"

  Scenario: The owner downloads her file
    When she downloads the file "terms.pdf"
    Then the request succeeds
    And the downloaded bytes are the file "terms.pdf" as uploaded

  Scenario: A download is resumed from where it stopped
    When she downloads bytes 10 to 19 of the file "terms.pdf"
    Then the request succeeds
    And the downloaded bytes are bytes 10 to 19 of the file "terms.pdf"

  Scenario: A range outside the file is refused
    When she downloads bytes 100000 to 100010 of the file "terms.pdf"
    Then the request is refused as out of range

  Scenario: A copy that is still current is not sent again
    Given she has downloaded the file "terms.pdf"
    When she downloads the file "terms.pdf" again with her copy
    Then the file is not sent again

  Scenario: The details of a file
    When she looks at the file "terms.pdf"
    Then the request succeeds
    And the returned file is "terms.pdf" of type "application/pdf"
