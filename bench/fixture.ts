/**
 * The benchmark entity, the same for every contender: a user with 8 attributes (string id, email,
 * date, number, string list, 3-field nested object, boolean, version). Each library stores it in its own
 * idiomatic layout; the data is identical.
 */
export interface UserData {
  username: string;
  email: string;
  activatedOn: Date;
  age: number;
  tags: string[];
  address: { street: string; city: string; zip: string };
  admin: boolean;
}

/** The type name / entity name every contender uses. */
export const USER_TYPE = 'user';

const ACTIVATED_ON = Date.parse('2024-05-01T12:00:00.000Z');

export function userData(index: number): UserData {
  const username = `user${String(index).padStart(5, '0')}`;
  return {
    username,
    email: `${username}@example.com`,
    activatedOn: new Date(ACTIVATED_ON + index * 60_000),
    age: 20 + (index % 50),
    tags: ['alpha', 'beta', `tag${index % 7}`],
    address: { street: `${index} Main Street`, city: 'Springfield', zip: String(10000 + index) },
    admin: index % 10 === 0,
  };
}

/** The id every single-entity operation (get, update, getOrCreate of an existing user) works on. */
export const SUBJECT = userData(0);

/** The two-field change of the "update" operation; alternates so that every call changes something. */
export function changeOf(iteration: number): { email: string; age: number } {
  return { email: `changed${iteration % 2}@example.com`, age: 30 + (iteration % 2) };
}
