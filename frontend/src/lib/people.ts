/** A member as a choice in a select: named by their name, else their username. */
export const memberChoice = (m: {
  userId: string
  name: string | null
  username: string | null
}) => ({ id: m.userId, name: m.name || m.username })
