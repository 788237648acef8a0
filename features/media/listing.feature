Feature: Listing files
  Everyone sees their own files, newest first. Admins see everybody's, and can look at one
  person's files.

  Background:
    Given a verified customer "ana@example.com"
    And a verified customer "bob@example.com"
    And an admin "root@example.com"
    And "bob@example.com" is signed in
    And he has uploaded a photo "bob.png"
    And "ana@example.com" is signed in
    And she has uploaded a photo "first.png"
    And she has uploaded a PDF "second.pdf"

  Scenario: A customer sees only her own files, newest first
    When she lists her files
    Then the listed files are "second.pdf", "first.png"
    And the list counts 2 files in total on 1 page

  Scenario: Files can be sorted by size
    When she lists her files sorted by "sizeBytes"
    Then the listed files are "first.png", "second.pdf"
    When she lists her files sorted by "-sizeBytes"
    Then the listed files are "second.pdf", "first.png"

  Scenario: Files come in pages
    When she lists her files showing page 2 with 1 per page
    Then the listed files are "first.png"
    And the list counts 2 files in total on 2 pages

  Scenario: An admin sees everybody's files, or one person's
    Given the admin is signed in
    When the admin lists the files
    Then the listed files are "second.pdf", "first.png", "bob.png"
    When the admin lists the files of "bob@example.com"
    Then the listed files are "bob.png"

  Scenario: Asking for someone else's files shows a customer her own
    When she lists the files of "bob@example.com"
    Then the listed files are "second.pdf", "first.png"

  Scenario: An unknown sort is refused
    When she lists her files sorted by "filename"
    Then the request is refused as invalid with a problem on "sort"
