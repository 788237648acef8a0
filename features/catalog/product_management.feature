Feature: Product management
  Staff keep the catalog: admins and editors add products, change them and adjust their
  stock; only admins delete products. A product that was ever ordered is not removed but
  taken off sale, so the orders that name it stay whole. Customers cannot change the catalog.

  Background:
    Given an admin "root@example.com"
    And the admin is signed in

  Scenario: An editor adds a product that customers can then see
    Given an editor "eddie@example.com"
    And he is signed in
    When he adds a product "Blue Mug" priced $9.00 with 10 in stock
    Then the request succeeds
    And the returned product is "Blue Mug" priced $9.00 with 10 in stock
    And customers can see "Blue Mug"

  Scenario: A product can be added off sale
    When the admin adds an inactive product "Winter Mug" priced $11.00 with 4 in stock
    Then the request succeeds
    And "Winter Mug" is off sale
    And customers cannot see "Winter Mug"

  Scenario: A product must cost at least one cent
    When the admin adds a product "Free Mug" priced $0.00 with 10 in stock
    Then the request is refused as invalid with a problem on "price"

  Scenario: Stock cannot be negative
    When the admin adds a product "Blue Mug" priced $9.00 with -1 in stock
    Then the request is refused as invalid with a problem on "stock"

  Scenario: A product needs a name
    When the admin adds a product "" priced $9.00 with 10 in stock
    Then the request is refused as invalid with a problem on "name"

  Scenario: Staff change the price of a product
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin changes the price of "Blue Mug" to $12.50
    Then the request succeeds
    And "Blue Mug" is priced $12.50

  Scenario: A new price must be at least one cent too
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin changes the price of "Blue Mug" to $0.00
    Then the request is refused as invalid with a problem on "price"
    And "Blue Mug" is priced $9.00

  Scenario: Staff rename a product
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And an editor "eddie@example.com"
    And he is signed in
    When he renames the product "Blue Mug" to "Big Blue Mug"
    Then the request succeeds
    And the returned product is "Big Blue Mug" priced $9.00 with 10 in stock

  Scenario: Staff take a product off sale and put it back
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin takes "Blue Mug" off sale
    Then customers cannot see "Blue Mug"
    When the admin puts "Blue Mug" back on sale
    Then customers can see "Blue Mug"

  Scenario: Staff add stock
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin adjusts the stock of "Blue Mug" by 5
    Then the request succeeds
    And "Blue Mug" has 15 in stock

  Scenario: Staff remove stock
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin adjusts the stock of "Blue Mug" by -10
    Then the request succeeds
    And "Blue Mug" has 0 in stock

  Scenario: Stock can never go below zero
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin adjusts the stock of "Blue Mug" by -11
    Then the request is refused as a conflict
    And "Blue Mug" has 10 in stock

  Scenario: The admin deletes a product nobody ordered
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    When the admin deletes the product "Blue Mug"
    Then the request succeeds
    And "Blue Mug" is gone from the catalog

  Scenario: Deleting a product that was ordered only takes it off sale
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And a verified customer "ana@example.com"
    And she is signed in
    And she has ordered 2 "Blue Mug"
    When the admin deletes the product "Blue Mug"
    Then the request succeeds
    And "Blue Mug" is off sale
    And customers cannot see "Blue Mug"
    And the order has a line of 2 "Blue Mug" at $9.00 each

  Scenario: Editors may not delete products
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And an editor "eddie@example.com"
    And he is signed in
    When he deletes the product "Blue Mug"
    Then the request is refused as forbidden
    And customers can see "Blue Mug"

  Scenario: Deleting a product that does not exist
    When the admin deletes a product that does not exist
    Then the request is refused as not found

  Scenario Outline: Customers cannot change the catalog
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And a verified customer "ana@example.com"
    And she is signed in
    When <action>
    Then the request is refused as forbidden
    And "Blue Mug" is priced $9.00
    And "Blue Mug" has 10 in stock

    Examples:
      | action                                                     |
      | she adds a product "Her Mug" priced $5.00 with 1 in stock  |
      | she changes the price of "Blue Mug" to $1.00               |
      | she adjusts the stock of "Blue Mug" by -10                 |
      | she deletes the product "Blue Mug"                         |

  Scenario: Visitors who are not signed in cannot add products
    When an anonymous visitor adds a product "Blue Mug" priced $9.00 with 10 in stock
    Then the request is refused as unauthorized
